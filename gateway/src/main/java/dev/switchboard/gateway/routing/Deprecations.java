package dev.switchboard.gateway.routing;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;

import dev.switchboard.gateway.access.Denial;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.ModelRoute.Deprecation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * What a ModelGroup's `deprecation` does. A deprecated model is served with a `Warning` header (and `Sunset` when a
 * date is set) and its use is counted. From the day after its `sunset` date (UTC, by the injected clock) it is
 * refused with 410 `model_sunset` naming the replacement, left out of /v1/models, and skipped as a fallback: the
 * gateway does not switch a client to the replacement behind its back, since that model may answer, cost and be
 * allowed differently.
 */
@Singleton
public class Deprecations {

    static final String WARNING_HEADER = "warning";
    static final String SUNSET_HEADER = "sunset";

    @Inject
    Clock clock;
    @Inject
    MeterRegistry registry;

    private record UseKey(String model, String state) {
    }

    private final ConcurrentMap<UseKey, Counter> uses = new ConcurrentHashMap<>();

    /** Whether the model is past its sunset date; a model without one never is. */
    public boolean sunset(ModelRoute route) {
        LocalDate sunset = sunsetDate(route.deprecation());
        return sunset != null && LocalDate.now(clock.withZone(ZoneOffset.UTC)).isAfter(sunset);
    }

    /**
     * Checks a request for {@code route}, asked for as {@code requested}: null when it may be served (deprecated
     * models get their warning headers through {@code headers}), or the 410 refusal after the sunset. Every request
     * for a deprecated model is counted, served or refused.
     */
    public Denial check(ModelRoute route, String requested, BiConsumer<String, String> headers) {
        Deprecation deprecation = route.deprecation();
        if (deprecation == null) {
            return null;
        }
        if (sunset(route)) {
            count(route, "sunset");
            return Denial.modelSunset(requested, deprecation.sunset(), deprecation.replacement());
        }
        count(route, "deprecated");
        headers.accept(WARNING_HEADER, "299 - \"" + quotable(warning(route.name(), deprecation)) + "\"");
        LocalDate sunset = sunsetDate(deprecation);
        if (sunset != null) {
            // The moment it is refused: the start of the day after the sunset date.
            headers.accept(SUNSET_HEADER, DateTimeFormatter.RFC_1123_DATE_TIME.format(sunset.plusDays(1).atStartOfDay(ZoneOffset.UTC)));
        }
        return null;
    }

    private static String warning(String model, Deprecation deprecation) {
        StringBuilder text = new StringBuilder("The model ").append(model).append(" is deprecated");
        if (deprecation.sunset() != null) {
            text.append(" and will be refused after ").append(deprecation.sunset());
        }
        if (deprecation.replacement() != null) {
            text.append("; use ").append(deprecation.replacement()).append(" instead");
        }
        text.append('.');
        if (deprecation.message() != null && !deprecation.message().isBlank()) {
            text.append(' ').append(deprecation.message().strip());
        }
        return text.toString();
    }

    /** A header's quoted string: printable ASCII only (the free-text message could hold anything), quotes escaped. */
    private static String quotable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else {
                out.append(c >= 0x20 && c < 0x7f ? c : ' ');
            }
        }
        return out.toString();
    }

    /** The CRD only admits YYYY-MM-DD; a table written otherwise by hand sets no sunset rather than failing requests. */
    private static LocalDate sunsetDate(Deprecation deprecation) {
        if (deprecation == null || deprecation.sunset() == null) {
            return null;
        }
        try {
            return LocalDate.parse(deprecation.sunset());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private void count(ModelRoute route, String state) {
        UseKey key = new UseKey(route.name(), state);
        Counter counter = uses.get(key);
        if (counter == null) {
            counter = uses.computeIfAbsent(key, k -> Counter.builder("switchboard.deprecated.requests")
                    .description("Requests for deprecated models: served with a warning (deprecated) or refused after the sunset (sunset)")
                    .tags("model", k.model(), "state", k.state())
                    .register(registry));
        }
        counter.increment();
    }
}
