package dev.switchboard.gateway.resilience;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.routing.ModelRoute;

/**
 * The models one request may be served by: the requested one, then its fallbacks (see
 * {@link AttemptPipeline#chain}) without those this request must not reach. A fallback is skipped when the caller's
 * `models` do not allow it (a fallback is no way around an allow-list) or when it is past its sunset; fallbacks of a
 * skipped model are still considered on their own terms.
 *
 * @param routes  the models to try, the requested one first
 * @param skipped the fallbacks left out, each as {@code name=reason} (reasons: {@value #NOT_ALLOWED}, {@value #SUNSET})
 */
public record FallbackChain(List<ModelRoute> routes, List<String> skipped) {

    public static final String NOT_ALLOWED = "not-allowed";
    public static final String SUNSET = "sunset";
    /** Names the skipped fallbacks on every answer of a request that had some, and on its access-log line. */
    public static final String SKIPPED_HEADER = "x-switchboard-fallbacks-skipped";

    public FallbackChain {
        routes = List.copyOf(routes);
        skipped = List.copyOf(skipped);
    }

    /** The chain of {@code route} for a caller that may use the models {@code allowed} accepts, at a time {@code sunset} tells. */
    public static FallbackChain of(ActiveTable table, ModelRoute route, Predicate<ModelRoute> allowed, Predicate<ModelRoute> sunset) {
        List<ModelRoute> routes = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (ModelRoute candidate : AttemptPipeline.chain(table, route)) {
            if (candidate == route) {
                routes.add(candidate);
            } else if (!allowed.test(candidate)) {
                skipped.add(candidate.name() + "=" + NOT_ALLOWED);
            } else if (sunset.test(candidate)) {
                skipped.add(candidate.name() + "=" + SUNSET);
            } else {
                routes.add(candidate);
            }
        }
        return new FallbackChain(routes, skipped);
    }

    /** The header value and access-log field: {@code m-anthropic=not-allowed, m-old=sunset}; null when none was skipped. */
    public String describeSkipped() {
        return skipped.isEmpty() ? null : String.join(", ", skipped);
    }
}
