package dev.switchboard.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelGroupStatus(
        @JsonPropertyDescription("The metadata.generation this status describes.") Long observedGeneration,
        @JsonPropertyDescription("Ready and ResolvedRefs conditions.") List<Condition> conditions,
        @JsonPropertyDescription("Number of targets that resolved to a usable provider.") Integer resolvedTargets,
        @JsonPropertyDescription("The resolved targets as provider/model.") List<String> targets) {
}
