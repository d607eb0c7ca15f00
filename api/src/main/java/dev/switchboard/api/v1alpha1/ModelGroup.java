package dev.switchboard.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** One public model name that clients ask for, and the upstream targets that can serve it. */
@Group(Provider.GROUP)
@Version(Provider.VERSION)
@ShortNames("mg")
@Categories("switchboard")
@AdditionalPrinterColumn(name = "MODEL", jsonPath = ".spec.model", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "PATTERN", jsonPath = ".spec.modelPattern", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "TARGETS", jsonPath = ".status.resolvedTargets", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "READY", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class ModelGroup extends CustomResource<ModelGroupSpec, ModelGroupStatus> implements Namespaced {

    @Override
    @Required
    @JsonPropertyDescription("Desired state of the model group.")
    public ModelGroupSpec getSpec() {
        return super.getSpec();
    }

    @Override
    @JsonPropertyDescription("Observed state of the model group, written by the operator.")
    public ModelGroupStatus getStatus() {
        return super.getStatus();
    }
}
