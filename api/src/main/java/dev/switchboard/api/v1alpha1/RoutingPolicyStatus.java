package dev.switchboard.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record RoutingPolicyStatus(
        @JsonPropertyDescription("The metadata.generation this status describes.") Long observedGeneration,
        @JsonPropertyDescription("Accepted, ResolvedRefs, Programmed and Ready conditions.") List<Condition> conditions,
        @JsonPropertyDescription("Cluster-internal OpenAI-compatible base URL of the gateway.") String endpoint,
        @JsonPropertyDescription("SHA-256 of the routing table currently written to the routing ConfigMap.") String configHash,
        @JsonPropertyDescription("Number of public models in the routing table.") Integer models,
        @JsonPropertyDescription("Gateway pods desired.") Integer replicas,
        @JsonPropertyDescription("Gateway pods ready.") Integer readyReplicas,
        @JsonPropertyDescription("Ready gateway pods that report serving configHash.") Integer programmedReplicas) {
}
