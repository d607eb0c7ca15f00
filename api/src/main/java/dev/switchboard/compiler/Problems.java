package dev.switchboard.compiler;

import java.util.List;

/** Collects problems while compiling one resource, and parses fields that may be malformed. */
final class Problems {

    private final ResourceRef resource;
    private final List<Problem> sink;
    private boolean errors;

    Problems(ResourceRef resource, List<Problem> sink) {
        this.resource = resource;
        this.sink = sink;
    }

    void error(String field, ProblemReason reason, String message) {
        errors = true;
        sink.add(Problem.error(resource, field, reason, message));
    }

    void warning(String field, ProblemReason reason, String message) {
        sink.add(Problem.warning(resource, field, reason, message));
    }

    boolean hasErrors() {
        return errors;
    }

    ResourceRef resource() {
        return resource;
    }

    /**
     * Like {@link #millis}, for durations the gateway needs to be positive (the schema's pattern allows {@code 0s}): a
     * value under one millisecond is an error and the fallback is used.
     */
    long positiveMillis(String field, String value, String fallback) {
        long millis = millis(field, value, fallback);
        if (millis <= 0) {
            error(field, ProblemReason.InvalidValue, "must be at least 1ms, got " + value);
            return Durations.toMillis(fallback);
        }
        return millis;
    }

    /** Parses a duration, reporting a malformed one as an error and using the fallback so compiling goes on. */
    long millis(String field, String value, String fallback) {
        String text = value == null ? fallback : value;
        try {
            return Durations.toMillis(text);
        } catch (IllegalArgumentException e) {
            error(field, ProblemReason.InvalidValue, e.getMessage());
            return Durations.toMillis(fallback);
        }
    }
}
