package dev.switchboard.compiler;

import java.util.Comparator;

/**
 * Something wrong with the input. An {@link Severity#Error} means the resource (or, for a policy, the part
 * named by the field) was left out of the table; a {@link Severity#Warning} means a part of it was dropped
 * and the rest is served.
 */
public record Problem(ResourceRef resource, String field, ProblemReason reason, Severity severity, String message) {

    public enum Severity {
        Error, Warning
    }

    static final Comparator<Problem> ORDER = Comparator.comparing(Problem::resource)
            .thenComparing(Problem::field)
            .thenComparing(Problem::reason)
            .thenComparing(Problem::message);

    public static Problem error(ResourceRef resource, String field, ProblemReason reason, String message) {
        return new Problem(resource, field, reason, Severity.Error, message);
    }

    public static Problem warning(ResourceRef resource, String field, ProblemReason reason, String message) {
        return new Problem(resource, field, reason, Severity.Warning, message);
    }

    @Override
    public String toString() {
        return severity + " " + resource + " " + field + ": " + reason + ": " + message;
    }
}
