package dev.switchboard.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Routing and resilience behaviour that applies to every model unless a model overrides it. {@code maxResponseBodyBytes}
 * bounds the upstream answers the gateway holds whole; tables written before it existed omit it, and then
 * {@link #DEFAULT_MAX_RESPONSE_BODY_BYTES} applies.
 */
public record PolicySettings(
        String strategy,
        Retry retry,
        CircuitBreaker circuitBreaker,
        long deadlineMs,
        int maxRequestBodyBytes,
        Affinity affinity,
        Integer maxResponseBodyBytes,
        Tracing tracing) {

    /** 32 MiB: held whole, an answer costs about its size in heap (a translated one several times that). */
    public static final int DEFAULT_MAX_RESPONSE_BODY_BYTES = 32 * 1024 * 1024;

    /** Settings without session affinity. */
    public PolicySettings(String strategy, Retry retry, CircuitBreaker circuitBreaker, long deadlineMs, int maxRequestBodyBytes) {
        this(strategy, retry, circuitBreaker, deadlineMs, maxRequestBodyBytes, null);
    }

    /** Settings with the default answer limit. */
    public PolicySettings(String strategy, Retry retry, CircuitBreaker circuitBreaker, long deadlineMs, int maxRequestBodyBytes,
            Affinity affinity) {
        this(strategy, retry, circuitBreaker, deadlineMs, maxRequestBodyBytes, affinity, null);
    }

    /** Settings without tracing. */
    public PolicySettings(String strategy, Retry retry, CircuitBreaker circuitBreaker, long deadlineMs, int maxRequestBodyBytes,
            Affinity affinity, Integer maxResponseBodyBytes) {
        this(strategy, retry, circuitBreaker, deadlineMs, maxRequestBodyBytes, affinity, maxResponseBodyBytes, null);
    }

    /** The largest upstream answer the gateway holds whole, in bytes. */
    public int responseLimit() {
        return maxResponseBodyBytes != null ? maxResponseBodyBytes : DEFAULT_MAX_RESPONSE_BODY_BYTES;
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

    /** OTLP transports, spelled as in RoutingPolicy.spec.tracing.protocol. */
    public static final List<String> TRACING_PROTOCOLS = List.of("HttpProtobuf", "Grpc");

    /**
     * Where and how the gateway exports traces; null (the default) means no tracing at all. The resource attributes
     * already hold the policy's name and namespace. {@code recordContent} lets prompts and completions into spans.
     */
    public record Tracing(String endpoint, String protocol, double samplingRatio, Map<String, String> resourceAttributes,
            boolean recordContent) {
        public Tracing {
            resourceAttributes = resourceAttributes == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(resourceAttributes));
        }

        List<String> validate() {
            List<String> errors = new ArrayList<>();
            if (endpoint == null || !endpoint.matches("^https?://[^\\s/?#@]+(/[^\\s?#]*)?$")) {
                errors.add("settings.tracing.endpoint must be an http(s) URL without user info, query or fragment");
            }
            if (!TRACING_PROTOCOLS.contains(protocol)) {
                errors.add("settings.tracing.protocol: unknown protocol " + protocol);
            }
            if (!(samplingRatio >= 0 && samplingRatio <= 1)) {
                errors.add("settings.tracing.samplingRatio must be between 0 and 1");
            }
            resourceAttributes.forEach((key, value) -> {
                if (key.isBlank() || value == null) {
                    errors.add("settings.tracing.resourceAttributes: blank key or missing value");
                }
            });
            return errors;
        }
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
        if (maxResponseBodyBytes != null && maxResponseBodyBytes <= 0) {
            errors.add("settings.maxResponseBodyBytes must be positive");
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
        if (tracing != null) {
            errors.addAll(tracing.validate());
        }
        return errors;
    }
}
