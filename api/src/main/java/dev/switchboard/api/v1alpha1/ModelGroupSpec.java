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
@ValidationRule(value = "has(self.model) != has(self.modelPattern)", message = "a ModelGroup needs exactly one of spec.model and spec.modelPattern", fieldPath = ".model", reason = "FieldValueRequired")
@ValidationRule(value = "!has(self.modelPattern) || self.modelPattern.contains('*') || self.modelPattern.contains('?')", message = "spec.modelPattern needs a wildcard (* or ?); a single name goes in spec.model", fieldPath = ".modelPattern", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.modelPattern) || !has(self.aliases)", message = "a pattern ModelGroup has no aliases: exact names belong to groups of their own, which win over patterns", fieldPath = ".aliases", reason = "FieldValueForbidden")
@ValidationRule(value = "has(self.modelPattern) || !has(self.targets) || self.targets.all(t, !has(t.model) || !t.model.contains('{'))", message = "capture references {n} in a target's model need spec.modelPattern", fieldPath = ".targets", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.fallbacks) || !has(self.model) || !(self.model in self.fallbacks)", message = "a ModelGroup cannot fall back to its own model", fieldPath = ".fallbacks", reason = "FieldValueInvalid")
@ValidationRule(value = "!has(self.aliases) || !has(self.model) || !(self.model in self.aliases)", message = "an alias cannot repeat spec.model", fieldPath = ".aliases", reason = "FieldValueDuplicate")
public record ModelGroupSpec(
        @Size(max = 256) @Pattern(Patterns.MODEL_NAME) @JsonPropertyDescription("The public model name clients send, for example gpt-4o or chat-smart. Unique among the ModelGroups a RoutingPolicy selects. Exactly one of model and modelPattern.") String model,
        @Size(max = 256) @Pattern(Patterns.MODEL_GLOB) @JsonPropertyDescription("Serves every public name this glob matches instead of one name, for example anthropic/* or *-mini: * stands for any run of characters (as little as it can), ? for exactly one. Each wildcard is a capture, numbered from 1 left to right, that targets' model can use as {1}, {2}. Exact names and aliases of other groups win over patterns; of two patterns matching a name the more specific one (matching only names the other matches too) wins; patterns that overlap otherwise are a compile problem (AmbiguousModelPattern), the older group keeps the pattern.") String modelPattern,
        @Size(max = 32) @JsonPropertyDescription("Other public names that resolve to this group, for example gpt-4o-latest. Not with modelPattern.") List<String> aliases,
        @Size(max = 64) @JsonPropertyDescription("Upstream targets that can serve the model.") List<Target> targets,
        @JsonPropertyDescription("Adds every Provider matched by a selector that is known to serve the model (spec.models or discovered status.models, compared by canonical name) as a target. In a pattern group: every selected Provider known to serve some name the pattern matches.") Aggregate aggregate,
        @JsonPropertyDescription("Strategy for choosing among targets; overrides the RoutingPolicy default.") Strategy strategy,
        @Size(max = 8) @JsonPropertyDescription("Other public models to try, in order, when every target of this group failed.") List<String> fallbacks,
        @JsonPropertyDescription("Marks the model as deprecated: responses carry a Warning header and a metric counts its use; after the sunset date requests are refused.") Deprecation deprecation,
        @JsonPropertyDescription("Serve repeated identical requests for this model from the response cache (RoutingPolicy spec.cache). A client's own cache setting wins over this one. Unset: not cached.") CachePolicy cache,
        @Size(max = 16) @JsonPropertyDescription("Hooks (names of RoutingPolicy spec.hooks) that every request for this model goes through, besides the caller's own; they run in the order the policy declares them. A name the policy does not declare leaves the group out (UnknownHook).") List<@Pattern(Patterns.DNS_LABEL) String> hooks) {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Target(
            @Required @Pattern(Patterns.DNS_LABEL) @JsonPropertyDescription("Name of a Provider in the same namespace.") String provider,
            @Size(max = 256) @Pattern(Patterns.MODEL_TEMPLATE) @JsonPropertyDescription("Model (or Azure deployment) name to ask the provider for, as a canonical name: a provider with spec.modelNames is called with its own spelling of it. Defaults to spec.model. In a pattern group, a template over the pattern's captures ({1} is the text the first wildcard matched, so anthropic/* with model {1} strips the prefix); defaults to the requested name.") String model,
            @Min(1) @Max(1000) @Default("1") @JsonPropertyDescription("Relative share of traffic for the Weighted strategy, and within a priority tier.") Integer weight,
            @Min(0) @Max(100) @Default("0") @JsonPropertyDescription("Tier for the Priority strategy: lower tiers are used first.") Integer priority) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Aggregate(
            @Required @JsonPropertyDescription("Selects Providers in the same namespace by label.") LabelSelector providerSelector,
            @Size(max = 256) @Pattern(Patterns.MODEL_TEMPLATE) @JsonPropertyDescription("Canonical model name to ask each selected provider for (each is called with its own spelling of it, by its spec.modelNames); defaults to spec.model. In a pattern group, a template as in targets; defaults to the requested name.") String model,
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
