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
