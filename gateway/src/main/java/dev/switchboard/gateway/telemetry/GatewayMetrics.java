package dev.switchboard.gateway.telemetry;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import dev.switchboard.gateway.record.RequestRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/**
 * The gateway's Prometheus metrics. Model and provider tags only ever carry names from the loaded table
 * (or "none"), never raw client input, so a client cannot blow up the series count.
 */
@Singleton
public class GatewayMetrics {

    static final String NONE = "none";

    @Inject
    MeterRegistry registry;

    private final AtomicReference<Gauge> configInfo = new AtomicReference<>();
    private final AtomicInteger refusedSecretValues = new AtomicInteger();
    private final AtomicReference<Gauge> refusedSecretValuesGauge = new AtomicReference<>();

    private record RequestKey(String endpoint, String model, String provider, int status) {
    }

    private record RouteKey(String endpoint, String model, String provider) {
    }

    private record TokenKey(String model, String provider, String direction) {
    }

    // Meters are looked up once per tag combination, not built per request: the builders cost more than the
    // recording. Keys come from table names only, so these maps stay small.
    private final ConcurrentMap<RequestKey, Counter> requests = new ConcurrentHashMap<>();
    private final ConcurrentMap<RouteKey, Timer> durations = new ConcurrentHashMap<>();
    private final ConcurrentMap<RouteKey, Timer> firstTokens = new ConcurrentHashMap<>();
    private final ConcurrentMap<TokenKey, Counter> tokens = new ConcurrentHashMap<>();
    private final ConcurrentMap<RouteKey, Counter> estimated = new ConcurrentHashMap<>();

    void requestCompleted(RequestRecord record, long endNanos) {
        String model = tag(record.model());
        String provider = tag(record.provider());
        cached(requests, new RequestKey(record.endpoint(), model, provider, record.status()), key -> Counter.builder("switchboard.requests")
                .description("Requests by endpoint, public model, provider and HTTP status")
                .tags("endpoint", key.endpoint(), "model", key.model(), "provider", key.provider(), "status", Integer.toString(key.status()))
                .register(registry)).increment();
        RouteKey route = new RouteKey(record.endpoint(), model, provider);
        cached(durations, route, key -> Timer.builder("switchboard.request.duration")
                .description("Time from request arrival to the last byte of the response")
                .tags("endpoint", key.endpoint(), "model", key.model(), "provider", key.provider())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry)).record(endNanos - record.startNanos(), TimeUnit.NANOSECONDS);
        if (record.stream() && record.firstByteNanos() != 0) {
            cached(firstTokens, route, key -> Timer.builder("switchboard.time.to.first.token")
                    .description("Time from request arrival to the first streamed event sent to the client")
                    .tags("model", key.model(), "provider", key.provider())
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofMinutes(2))
                    .register(registry)).record(record.firstByteNanos() - record.startNanos(), TimeUnit.NANOSECONDS);
        }
        tokens(model, provider, "input", record.usage().promptTokens());
        tokens(model, provider, "output", record.usage().completionTokens());
        if (record.usage().isEstimated()) {
            cached(estimated, new RouteKey(record.endpoint(), model, provider), key -> Counter.builder("switchboard.usage.estimated")
                    .description("Answered requests that ended without the upstream's usage (cut-short streams): their tokens are estimated")
                    .tags("endpoint", key.endpoint(), "model", key.model(), "provider", key.provider())
                    .register(registry)).increment();
        }
    }

    private void tokens(String model, String provider, String direction, Integer count) {
        if (count != null && count > 0) {
            cached(tokens, new TokenKey(model, provider, direction), key -> Counter.builder("switchboard.tokens")
                    .description("Tokens by direction (input = prompt, output = completion), as upstreams reported them or as estimated for cut-short streams")
                    .tags("model", key.model(), "provider", key.provider(), "direction", key.direction())
                    .register(registry)).increment(count);
        }
    }

    private static <K, M> M cached(ConcurrentMap<K, M> meters, K key, Function<K, M> create) {
        M meter = meters.get(key);
        return meter != null ? meter : meters.computeIfAbsent(key, create);
    }

    public void upstreamError(String provider, String kind) {
        Counter.builder("switchboard.upstream.errors")
                .description("Upstream calls that failed: connect, timeout, broken, unsupported, or an HTTP status class")
                .tags("provider", tag(provider), "kind", kind)
                .register(registry).increment();
    }

    public void reload(boolean success) {
        Counter.builder("switchboard.reloads")
                .description("Routing table reloads by result; a failure keeps the last good table serving")
                .tags("result", success ? "success" : "failure")
                .register(registry).increment();
    }

    /** How many secret values the served table left out because they hold a line break (see TableLoader). */
    public void secretValuesRefused(int count) {
        refusedSecretValues.set(count);
        if (refusedSecretValuesGauge.get() == null) {
            refusedSecretValuesGauge.compareAndSet(null, Gauge.builder("switchboard.secret.values.refused", refusedSecretValues, AtomicInteger::get)
                    .description("Secret values of the served routing table left out because they hold a line break (CR or LF)")
                    .register(registry));
        }
    }

    /**
     * The injected registry outlives this bean (Quarkus's global composite, kept across test and dev-mode restarts): a
     * gauge left behind would keep reading this bean's counter under the next application's identical gauge.
     */
    @PreDestroy
    void removeGauges() {
        Gauge refused = refusedSecretValuesGauge.getAndSet(null);
        if (refused != null) {
            registry.remove(refused);
        }
    }

    /** An info-style gauge: always 1, the loaded config hash is in the tag. */
    public void configLoaded(String hash) {
        Gauge next = Gauge.builder("switchboard.config.info", () -> 1)
                .description("The routing table being served; the value is always 1, the hash tag identifies it")
                .tags("hash", hash)
                .register(registry);
        Gauge previous = configInfo.getAndSet(next);
        if (previous != null && !previous.getId().equals(next.getId())) {
            registry.remove(previous);
        }
    }

    private static String tag(String value) {
        return value == null ? NONE : value;
    }
}
