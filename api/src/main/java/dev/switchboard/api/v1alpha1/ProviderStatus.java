package dev.switchboard.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProviderStatus(
        @JsonPropertyDescription("The metadata.generation this status describes.") Long observedGeneration,
        @JsonPropertyDescription("Ready, CredentialsResolved and Reachable conditions.") List<Condition> conditions,
        @JsonPropertyDescription("Upstream model names found by discovery.") List<String> models,
        @JsonPropertyDescription("Number of models in status.models.") Integer modelCount,
        @JsonPropertyDescription("Number of API keys in the provider's key pool (never the keys themselves).") Integer keys,
        @JsonPropertyDescription("When discovery last listed the upstream's models (RFC 3339).") String lastDiscoveryTime) {
}
