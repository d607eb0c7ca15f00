package dev.switchboard.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A standard Kubernetes status condition. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Condition(
        @JsonPropertyDescription("Type of the condition, for example Ready, Accepted, ResolvedRefs or Programmed.") String type,
        @JsonPropertyDescription("Status of the condition: True, False or Unknown.") String status,
        @JsonPropertyDescription("Machine-readable CamelCase reason for the last transition.") String reason,
        @JsonPropertyDescription("Human-readable explanation of the condition.") String message,
        @JsonPropertyDescription("The metadata.generation the condition was computed from.") Long observedGeneration,
        @JsonPropertyDescription("When the status last changed (RFC 3339).") String lastTransitionTime) {

    public static final String TRUE = "True";
    public static final String FALSE = "False";
    public static final String UNKNOWN = "Unknown";
}
