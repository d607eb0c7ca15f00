package dev.switchboard.compiler;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.switchboard.api.v1alpha1.Patterns;

/** Parses the Go/Kubernetes duration subset the CRDs allow (`250ms`, `30s`, `1h30m`, `1.5s`). */
public final class Durations {

    private static final Pattern WHOLE = Pattern.compile(Patterns.DURATION);
    private static final Pattern PART = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(ms|s|m|h)");

    private Durations() {
    }

    public static long toMillis(String text) {
        if (text == null || !WHOLE.matcher(text).matches()) {
            throw new IllegalArgumentException("not a duration like 250ms, 30s, 2m or 1h30m: " + text);
        }
        Matcher part = PART.matcher(text);
        double millis = 0;
        while (part.find()) {
            double value = Double.parseDouble(part.group(1));
            millis += switch (part.group(2)) {
                case "ms" -> value;
                case "s" -> value * 1_000;
                case "m" -> value * 60_000;
                default -> value * 3_600_000;
            };
        }
        return Math.round(millis);
    }
}
