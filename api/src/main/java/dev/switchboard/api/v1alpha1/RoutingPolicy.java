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

/** One gateway: which models it serves, how it routes and protects them, and how it is deployed. */
@Group(Provider.GROUP)
@Version(Provider.VERSION)
@ShortNames("rp")
@Categories("switchboard")
@AdditionalPrinterColumn(name = "ENDPOINT", jsonPath = ".status.endpoint", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "REPLICAS", jsonPath = ".status.readyReplicas", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "PROGRAMMED", jsonPath = ".status.conditions[?(@.type==\"Programmed\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "MODELS", jsonPath = ".status.models", type = AdditionalPrinterColumn.Type.INTEGER, priority = 1)
@AdditionalPrinterColumn(name = "AGE", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class RoutingPolicy extends CustomResource<RoutingPolicySpec, RoutingPolicyStatus> implements Namespaced {

    @Override
    @Required
    @JsonPropertyDescription("Desired state of the routing policy and its gateway.")
    public RoutingPolicySpec getSpec() {
        return super.getSpec();
    }

    @Override
    @JsonPropertyDescription("Observed state of the routing policy, written by the operator.")
    public RoutingPolicyStatus getStatus() {
        return super.getStatus();
    }
}
