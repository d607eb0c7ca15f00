package dev.switchboard.operator.common;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import dev.switchboard.api.v1alpha1.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;

/** Builds conditions stamped with the resource's generation and the current time (second precision, as in RFC 3339 status). */
public final class ConditionFactory {

    private final Clock clock;
    private final Long generation;

    public ConditionFactory(Clock clock, HasMetadata resource) {
        this.clock = clock;
        this.generation = resource.getMetadata().getGeneration();
    }

    public Condition of(String type, boolean status, String reason, String message) {
        return new Condition(type, status ? Condition.TRUE : Condition.FALSE, reason, message, generation, now());
    }

    public Condition unknown(String type, String reason, String message) {
        return new Condition(type, Condition.UNKNOWN, reason, message, generation, now());
    }

    /** The current time as written into status timestamps. */
    public String now() {
        return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
