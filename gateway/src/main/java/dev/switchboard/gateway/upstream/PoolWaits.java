package dev.switchboard.gateway.upstream;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * How upstream calls wait for a connection, by provider: how many wait right now
 * ({@code switchboard_upstream_pool_waiting}) and how long each one waited ({@code switchboard_upstream_pool_wait_seconds}).
 * A call waits from its start until it holds a connection: a kept-alive one at once, a new one once it is
 * connected, or, when the per-host cap is reached, the next one another call gives back. Provider names come from
 * the table only, so the series stay few.
 */
public final class PoolWaits {

    /** The meters of one provider. */
    final class Provider {

        private final AtomicInteger waiting = new AtomicInteger();
        private final Timer waited;
        private final Gauge gauge;

        private Provider(String name) {
            waited = Timer.builder("switchboard.upstream.pool.wait")
                    .description("Time an upstream call waited for a connection (pooled, new, or freed by another call)")
                    .tags("provider", name)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofMinutes(2))
                    .register(registry);
            gauge = Gauge.builder("switchboard.upstream.pool.waiting", waiting, AtomicInteger::get)
                    .description("Upstream calls waiting for a connection right now")
                    .tags("provider", name)
                    .strongReference(true)
                    .register(registry);
        }

        /** A call starts waiting; returns when it did, for {@link #ended}. */
        long started() {
            waiting.incrementAndGet();
            return System.nanoTime();
        }

        /** The wait that started at {@code startNanos} is over: the call has a connection, or gave up waiting for one. */
        void ended(long startNanos) {
            waiting.decrementAndGet();
            waited.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        }

        int waiting() {
            return waiting.get();
        }
    }

    private final MeterRegistry registry;
    private final ConcurrentMap<String, Provider> providers = new ConcurrentHashMap<>();

    public PoolWaits(MeterRegistry registry) {
        this.registry = registry;
    }

    Provider of(String provider) {
        Provider meters = providers.get(provider);
        return meters != null ? meters : providers.computeIfAbsent(provider, Provider::new);
    }

    /**
     * Removes the meters when the application stops: a registry can outlive the application (tests restart it in
     * one JVM), and a gauge left behind would keep reading a dead counter.
     */
    void close() {
        providers.values().forEach(meters -> {
            registry.remove(meters.waited);
            registry.remove(meters.gauge);
        });
        providers.clear();
    }
}
