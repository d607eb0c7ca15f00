package dev.switchboard.operator.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.Condition;

class ConditionMergerTest {

    static Condition condition(String status, String reason, String message, String time) {
        return new Condition("Ready", status, reason, message, 2L, time);
    }

    @Test
    void unchangedStatusKeepsTheOldTransitionTimeEvenWhenTheMessageChanges() {
        var old = List.of(condition("False", "Pending", "0 of 2", "2026-01-01T00:00:00Z"));
        var fresh = List.of(condition("False", "Pending", "1 of 2", "2026-01-01T00:05:00Z"));

        var merged = ConditionMerger.merge(old, fresh);

        assertThat(merged).containsExactly(condition("False", "Pending", "1 of 2", "2026-01-01T00:00:00Z"));
        assertThat(ConditionMerger.transitioned(old, merged, "Ready")).isFalse();
    }

    @Test
    void changedStatusTakesTheNewTransitionTime() {
        var old = List.of(condition("False", "Pending", "0 of 2", "2026-01-01T00:00:00Z"));
        var fresh = List.of(condition("True", "Ready", "2 of 2", "2026-01-01T00:05:00Z"));

        var merged = ConditionMerger.merge(old, fresh);

        assertThat(merged.get(0).lastTransitionTime()).isEqualTo("2026-01-01T00:05:00Z");
        assertThat(ConditionMerger.transitioned(old, merged, "Ready")).isTrue();
    }

    @Test
    void anIdenticalRecomputationIsEqualToThePreviousList() {
        var old = List.of(condition("True", "Ready", "ok", "2026-01-01T00:00:00Z"));

        assertThat(ConditionMerger.merge(old, List.of(condition("True", "Ready", "ok", "2026-06-01T00:00:00Z")))).isEqualTo(old);
    }
}
