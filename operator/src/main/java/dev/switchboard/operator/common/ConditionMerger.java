package dev.switchboard.operator.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.switchboard.api.v1alpha1.Condition;

/**
 * Merges freshly computed conditions into the previous ones. A condition whose status, reason and message
 * did not change keeps its old lastTransitionTime, so an unchanged world yields an identical status and the
 * reconciler can skip the write.
 */
public final class ConditionMerger {

    private ConditionMerger() {
    }

    public static List<Condition> merge(List<Condition> previous, List<Condition> fresh) {
        List<Condition> merged = new ArrayList<>(fresh.size());
        for (Condition condition : fresh) {
            Condition old = find(previous, condition.type());
            if (old != null && Objects.equals(old.status(), condition.status())) {
                // Same status: the transition happened earlier; keep its time even when the wording changed.
                merged.add(new Condition(condition.type(), condition.status(), condition.reason(), condition.message(),
                        condition.observedGeneration(), old.lastTransitionTime()));
            } else {
                merged.add(condition);
            }
        }
        return merged;
    }

    public static Condition find(List<Condition> conditions, String type) {
        if (conditions == null) {
            return null;
        }
        return conditions.stream().filter(c -> type.equals(c.type())).findFirst().orElse(null);
    }

    /** True when the condition of this type changed status between the two lists: worth a Kubernetes Event. */
    public static boolean transitioned(List<Condition> previous, List<Condition> current, String type) {
        Condition before = find(previous, type);
        Condition after = find(current, type);
        return after != null && (before == null || !Objects.equals(before.status(), after.status()));
    }
}
