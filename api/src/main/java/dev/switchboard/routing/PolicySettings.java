package dev.switchboard.routing;

import java.util.ArrayList;
import java.util.List;

/** Routing and resilience behaviour that applies to every model unless a model overrides it. */
public record PolicySettings(
        String strategy,
        Retry retry,
        CircuitBreaker circuitBreaker,
        long deadlineMs,
        int maxRequestBodyBytes,
        Affinity affinity) {

    /** Settings without session affinity. */
    public PolicySettings(String strategy, Retry retry, CircuitBreaker circuitBreaker, long deadlineMs, int maxRequestBodyBytes) {
        this(strategy, retry, circuitBreaker, deadlineMs, maxRequestBodyBytes, null);
    }

    /** Retry classes, spelled as in RoutingPolicy.spec.defaults.retry.on. */
    public static final List<String> RETRY_CONDITIONS = List.of("RateLimited", "ServerError", "ConnectFailure", "Timeout");

    public record Retry(int attempts, long backoffBaseMs, long backoffMaxMs, List<String> on) {
        public Retry {
            on = on == null ? List.of() : List.copyOf(on);
        }
    }

    public record CircuitBreaker(int consecutiveFailures, Double failureRateThreshold, long windowMs, long openForMs, int halfOpenProbes) {
    }

    /** Where a request's session key comes from: a request header, or the caller's client key. Exactly one is set. */
    public record Affinity(String header, boolean clientKey) {
    }

    List<String> validate() {
        List<String> errors = new ArrayList<>();
        if (!ModelRoute.STRATEGIES.contains(strategy)) {
            errors.add("settings.strategy: unknown strategy " + strategy);
        }
        if (deadlineMs <= 0) {
            errors.add("settings.deadlineMs must be positive");
        }
        if (maxRequestBodyBytes <= 0) {
            errors.add("settings.maxRequestBodyBytes must be positive");
        }
        if (retry == null || retry.attempts() < 0 || retry.backoffBaseMs() < 0 || retry.backoffMaxMs() < retry.backoffBaseMs()) {
            errors.add("settings.retry is missing or inconsistent");
        } else if (!RETRY_CONDITIONS.containsAll(retry.on())) {
            errors.add("settings.retry.on: unknown condition in " + retry.on());
        }
        if (circuitBreaker == null || circuitBreaker.consecutiveFailures() < 1 || circuitBreaker.openForMs() < 0
                || circuitBreaker.halfOpenProbes() < 1) {
            errors.add("settings.circuitBreaker is missing or inconsistent");
        }
        if (affinity != null && (affinity.header() == null) != affinity.clientKey()) {
            errors.add("settings.affinity needs exactly one of header or clientKey");
        }
        return errors;
    }
}
