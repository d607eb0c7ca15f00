package dev.switchboard.api.v1alpha1;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;

/**
 * A Kubernetes label selector. Our own type rather than Fabric8's so that every field carries a
 * description in the generated schema. An empty selector selects everything.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record LabelSelector(
        @JsonPropertyDescription("Labels that must all be present with exactly these values.") Map<String, String> matchLabels,
        @JsonPropertyDescription("Set-based requirements that must all hold.") List<Requirement> matchExpressions) {

    public enum Operator {
        In, NotIn, Exists, DoesNotExist
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Requirement(
            @Required @JsonPropertyDescription("The label key the requirement applies to.") String key,
            @Required @JsonPropertyDescription("How the label's value relates to the values: In, NotIn, Exists or DoesNotExist.") Operator operator,
            @JsonPropertyDescription("Values for In and NotIn; must be empty for Exists and DoesNotExist.") List<String> values) {

        boolean matches(Map<String, String> labels) {
            if (key == null || operator == null) {
                return false; // The schema requires both; a malformed requirement selects nothing.
            }
            String value = labels.get(key);
            List<String> allowed = values == null ? List.of() : values;
            return switch (operator) {
                case In -> value != null && allowed.contains(value);
                case NotIn -> value == null || !allowed.contains(value);
                case Exists -> value != null;
                case DoesNotExist -> value == null;
            };
        }
    }

    /** True when the labels satisfy every part of this selector; a null selector matches everything. */
    public static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        Map<String, String> actual = labels == null ? Map.of() : labels;
        if (selector.matchLabels() != null) {
            for (var entry : selector.matchLabels().entrySet()) {
                if (entry.getValue() == null || !entry.getValue().equals(actual.get(entry.getKey()))) {
                    return false;
                }
            }
        }
        if (selector.matchExpressions() != null) {
            for (Requirement requirement : selector.matchExpressions()) {
                if (!requirement.matches(actual)) {
                    return false;
                }
            }
        }
        return true;
    }
}
