package dev.switchboard.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "(has(self.targets) && size(self.targets) > 0) || has(self.aggregate)", message = "a ModelGroup needs spec.targets or spec.aggregate", fieldPath = ".targets", reason = "FieldValueRequired")
@ValidationRule(value = "!has(self.fallbacks) || !(self.model in self.fallbacks)", message = "a ModelGroup cannot fall back to its own model", fieldPath = ".fallbacks", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.aliases) || !(self.model in self.aliases)", message = "an alias cannot repeat spec.model", fieldPath = ".aliases", reason = "FieldValueDuplicate")
public record ModelGroupSpec(
        @Required @Size(max = 256) @Pattern(Patterns.MODEL_NAME) @JsonPropertyDescription("The public model name clients send, for example gpt-4o or chat-smart. Unique among the ModelGroups a RoutingPolicy selects.") String model,
        @Size(max = 32) @JsonPropertyDescription("Other public names that resolve to this group, for example gpt-4o-latest.") List<String> aliases,
        @Size(max = 64) @JsonPropertyDescription("Upstream targets that can serve the model.") List<Target> targets,
        @JsonPropertyDescription("Adds every Provider matched by a selector that is known to serve the model (spec.models or discovered status.models) as a target.") Aggregate aggregate,
        @JsonPropertyDescription("Strategy for choosing among targets; overrides the RoutingPolicy default.") Strategy strategy,
        @Size(max = 8) @JsonPropertyDescription("Other public models to try, in order, when every target of this group failed.") List<String> fallbacks,
        @JsonPropertyDescription("Marks the model as deprecated: responses carry a Warning header and a metric counts its use; after the sunset date requests are refused.") Deprecation deprecation) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Target(
            @Required @Pattern(Patterns.DNS_LABEL) @JsonPropertyDescription("Name of a Provider in the same namespace.") String provider,
            @Pattern(Patterns.MODEL_NAME) @JsonPropertyDescription("Upstream model (or Azure deployment) name; defaults to spec.model.") String model,
            @Min(1) @Max(1000) @Default("1") @JsonPropertyDescription("Relative share of traffic for the Weighted strategy, and within a priority tier.") Integer weight,
            @Min(0) @Max(100) @Default("0") @JsonPropertyDescription("Tier for the Priority strategy: lower tiers are used first.") Integer priority) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Aggregate(
            @Required @JsonPropertyDescription("Selects Providers in the same namespace by label.") LabelSelector providerSelector,
            @Pattern(Patterns.MODEL_NAME) @JsonPropertyDescription("Upstream model name to ask each selected provider for; defaults to spec.model.") String model,
            @Min(1) @Max(1000) @Default("1") @JsonPropertyDescription("Weight of every aggregated target.") Integer weight,
            @Min(0) @Max(100) @Default("0") @JsonPropertyDescription("Priority tier of every aggregated target.") Integer priority) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Deprecation(
            @Pattern(Patterns.MODEL_NAME) @JsonPropertyDescription("Public model clients should move to.") String replacement,
            @Pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}$") @JsonPropertyDescription("Last day (YYYY-MM-DD, UTC) the model is served; from the next day requests for it get 410 model_sunset, and it is no longer listed or used as a fallback.") String sunset,
            @Size(max = 1024) @JsonPropertyDescription("Free-text note returned to clients with the warning.") String message) {
    }
}
