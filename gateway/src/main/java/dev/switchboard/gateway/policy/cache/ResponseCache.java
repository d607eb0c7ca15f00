package dev.switchboard.gateway.policy.cache;

import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;

import dev.switchboard.gateway.access.SharedCounters;
import dev.switchboard.gateway.access.redis.RedisCounters;
import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.routing.RequestPolicies;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The response cache of the served table: the store (the policy's Redis while it answers, else this replica's memory,
 * bounded by the table's {@code requestPolicies.cache}), the dialects' {@link AnswerCodec}s, and the metrics:
 * {@code switchboard_cache_requests_total{model,result}} (hit, miss, bypass), {@code switchboard_cache_stored_bytes_total},
 * {@code switchboard_cache_evictions_total}, and the memory store's {@code switchboard_cache_bytes} and
 * {@code switchboard_cache_entries}.
 */
@Singleton
public class ResponseCache {

    public static final String HEADER = "x-switchboard-cache";

    @Inject
    Clock clock;
    @Inject
    SharedCounters counters;
    @Inject
    MeterRegistry registry;
    @Inject
    Instance<AnswerCodec> codecs;

    private MemoryAnswers memory;
    private final Map<Operation, AnswerCodec> byFormat = new EnumMap<>(Operation.class);
    private Counter evictions;
    private Counter storedBytes;

    @PostConstruct
    void init() {
        evictions = registry.counter("switchboard.cache.evictions");
        storedBytes = registry.counter("switchboard.cache.stored.bytes");
        memory = new MemoryAnswers(clock, 10_000, 64L * 1024 * 1024, evictions::increment);
        // A registry that outlives this bean (the application restarted in one JVM, as tests do) would otherwise keep
        // answering with the gauges of the store before.
        registry.find("switchboard.cache.bytes").gauges().forEach(registry::remove);
        registry.find("switchboard.cache.entries").gauges().forEach(registry::remove);
        Gauge.builder("switchboard.cache.bytes", memory, MemoryAnswers::bytes).description("Bytes of answers in this replica's response cache")
                .strongReference(true).register(registry);
        Gauge.builder("switchboard.cache.entries", memory, MemoryAnswers::size).description("Answers in this replica's response cache")
                .strongReference(true).register(registry);
        codecs.forEach(codec -> codec.formats().forEach(format -> byFormat.put(format, codec)));
    }

    /** Where this table's answers live right now. */
    public AnswerStore store(ActiveTable table) {
        if (table.table().access() != null && table.table().access().redis() != null) {
            RedisCounters redis = counters.redis(table);
            if (redis != null) {
                return new RedisAnswers(redis);
            }
        }
        RequestPolicies.CacheStore bounds = table.table().requestPolicies() == null ? null : table.table().requestPolicies().cache();
        if (bounds != null) {
            memory.bound(bounds.maxEntries(), bounds.maxBytes());
        }
        return memory;
    }

    public AnswerCodec codec(Operation format) {
        return byFormat.get(format);
    }

    /** Counts a lookup: {@code hit}, {@code miss} or {@code bypass}. */
    public void counted(String model, String result) {
        registry.counter("switchboard.cache.requests", "model", model == null ? "none" : model, "result", result).increment();
    }

    public void stored(AnswerStore store, String key, CachedAnswer answer, long ttlMs) {
        store.put(key, answer, ttlMs);
        storedBytes.increment(answer.size());
    }
}
