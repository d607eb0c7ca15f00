package dev.switchboard.gateway.resilience;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Metrics of the attempt pipeline. Tags carry names from the loaded table and key fingerprints only. Gauges are
 * registered when a target or key appears in a table and removed when a reload drops it.
 */
@Singleton
public class ResilienceMetrics {

    @Inject
    MeterRegistry registry;

    private record AttemptKey(String model, String provider, String outcome) {
    }

    private record FallbackKey(String model, String fallback) {
    }

    private final ConcurrentMap<AttemptKey, Counter> attempts = new ConcurrentHashMap<>();
    private final ConcurrentMap<FallbackKey, Counter> fallbacks = new ConcurrentHashMap<>();

    void attempt(String model, String provider, Outcome outcome) {
        cached(attempts, new AttemptKey(model, provider, outcome.tag()), key -> Counter.builder("switchboard.upstream.attempts")
                .description("Upstream attempts by public model, provider and outcome (success, rate_limited, server_error, "
                        + "invalid_response, connect_failure, broken, timeout, auth_failed, client_error)")
                .tags("model", key.model(), "provider", key.provider(), "outcome", key.outcome())
                .register(registry)).increment();
    }

    void fallback(String model, String fallback) {
        cached(fallbacks, new FallbackKey(model, fallback), key -> Counter.builder("switchboard.fallbacks")
                .description("Requests that moved on from the model asked for to one of its fallback models")
                .tags("model", key.model(), "fallback", key.fallback())
                .register(registry)).increment();
    }

    Gauge breakerGauge(String model, TargetState target) {
        return Gauge.builder("switchboard.circuit.breaker.state", target, t -> t.breaker().state().gauge)
                .description("Circuit breaker of a target: 0 closed, 1 open, 2 half-open")
                .tags("model", model, "provider", target.provider(), "upstream_model", target.upstreamModel())
                .strongReference(true)
                .register(registry);
    }

    Gauge keyGauge(KeyPool pool, KeyPool.Key key) {
        return Gauge.builder("switchboard.upstream.key.state", key, k -> pool.state(k).gauge)
                .description("Health of a provider key, by fingerprint: 0 healthy, 1 cooling down, 2 quarantined")
                .tags("provider", pool.provider(), "key", key.fingerprint())
                .strongReference(true)
                .register(registry);
    }

    void remove(Gauge gauge) {
        registry.remove(gauge);
    }

    private static <K, M> M cached(ConcurrentMap<K, M> meters, K key, Function<K, M> create) {
        M meter = meters.get(key);
        return meter != null ? meter : meters.computeIfAbsent(key, create);
    }
}
