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

/** One upstream API account: where it is, how to authenticate, what it costs and how hard it may be driven. */
@Group(Provider.GROUP)
@Version(Provider.VERSION)
@ShortNames("llmprov")
@Categories("switchboard")
@AdditionalPrinterColumn(name = "TYPE", jsonPath = ".spec.type", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "READY", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "MODELS", jsonPath = ".status.modelCount", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "KEYS", jsonPath = ".status.keys", type = AdditionalPrinterColumn.Type.INTEGER, priority = 1)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class Provider extends CustomResource<ProviderSpec, ProviderStatus> implements Namespaced {
    public static final String GROUP = "switchboard.dev";
    public static final String VERSION = "v1alpha1";

    @Override
    @Required
    @JsonPropertyDescription("Desired state of the provider.")
    public ProviderSpec getSpec() {
        return super.getSpec();
    }

    @Override
    @JsonPropertyDescription("Observed state of the provider, written by the operator.")
    public ProviderStatus getStatus() {
        return super.getStatus();
    }
}
