package dev.switchboard.gateway.access;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Governance metrics. Client and team tags come from the table (declared clients, "anonymous" in Open mode), model
 * and provider tags from the table too, so the series count is bounded by the configuration, never by callers.
 */
@Singleton
public class AccessMetrics {

    static final String ANONYMOUS = "anonymous";
    static final String NONE = "none";

    @Inject
    MeterRegistry registry;

    private record CostKey(String client, String team, String model, String provider) {
    }

    private record BudgetKey(String client, String team, String period) {
    }

    private record LimitKey(String client, String limit) {
    }

    private final ConcurrentMap<CostKey, Counter> costs = new ConcurrentHashMap<>();
    private final ConcurrentMap<BudgetKey, AtomicLong> budgets = new ConcurrentHashMap<>();
    private final ConcurrentMap<LimitKey, Counter> limited = new ConcurrentHashMap<>();
    private final ConcurrentMap<LimitKey, Counter> providerLimited = new ConcurrentHashMap<>();
    private final AtomicReference<Gauge> redisGauge = new AtomicReference<>();
    private volatile double redisUp = 1;

    public void cost(String client, String team, String model, String provider, double amount) {
        if (amount <= 0) {
            return;
        }
        CostKey key = new CostKey(tag(client, ANONYMOUS), tag(team, NONE), tag(model, NONE), tag(provider, NONE));
        Counter counter = costs.get(key);
        if (counter == null) {
            counter = costs.computeIfAbsent(key, k -> Counter.builder("switchboard.cost")
                    .description("Spending from provider pricing and reported usage, in the pricing currency")
                    .tags("client", k.client(), "team", k.team(), "model", k.model(), "provider", k.provider())
                    .register(registry));
        }
        counter.increment(amount);
    }

    /** Sets the used fraction of a client's budget for a period (day or month). */
    public void budgetUsed(String client, String team, String period, double ratio) {
        BudgetKey key = new BudgetKey(client, tag(team, NONE), period);
        // The gauge reads the double's bits from an AtomicLong: one atomic write per update, no torn reads.
        AtomicLong bits = budgets.get(key);
        if (bits == null) {
            bits = budgets.computeIfAbsent(key, k -> {
                AtomicLong holder = new AtomicLong();
                Gauge.builder("switchboard.budget.used.ratio", holder, h -> Double.longBitsToDouble(h.get()))
                        .description("Fraction of the client's budget spent in the current period (day or month); 1 means spent")
                        .tags("client", k.client(), "team", k.team(), "period", k.period())
                        .register(registry);
                return holder;
            });
        }
        bits.set(Double.doubleToRawLongBits(ratio));
    }

    public void rateLimited(String client, String limit) {
        LimitKey key = new LimitKey(tag(client, ANONYMOUS), limit);
        Counter counter = limited.get(key);
        if (counter == null) {
            counter = limited.computeIfAbsent(key, k -> Counter.builder("switchboard.rate.limited")
                    .description("Requests refused by a client limit: requests, tokens, concurrency, budget_day, budget_month, store_unavailable")
                    .tags("client", k.client(), "limit", k.limit())
                    .register(registry));
        }
        counter.increment();
    }

    public void providerLimited(String provider, String limit) {
        LimitKey key = new LimitKey(provider, limit);
        Counter counter = providerLimited.get(key);
        if (counter == null) {
            counter = providerLimited.computeIfAbsent(key, k -> Counter.builder("switchboard.provider.rate.limited")
                    .description("Upstream calls held back by the provider's own limits (requests, tokens, concurrency)")
                    .tags("provider", k.client(), "limit", k.limit())
                    .register(registry));
        }
        counter.increment();
    }

    /** 1 while the configured Redis answers, 0 while it does not; absent when no Redis is configured. */
    void redisUp(boolean up) {
        redisUp = up ? 1 : 0;
        if (redisGauge.get() == null) {
            Gauge gauge = Gauge.builder("switchboard.redis.up", this, m -> m.redisUp)
                    .description("Whether the Redis holding the shared rate-limit and budget counters answers (1) or not (0)")
                    .register(registry);
            redisGauge.compareAndSet(null, gauge);
        }
    }

    void redisRemoved() {
        Gauge gauge = redisGauge.getAndSet(null);
        if (gauge != null) {
            registry.remove(gauge);
        }
    }

    /**
     * The injected registry outlives this bean (Quarkus's global composite, kept across test and dev-mode
     * restarts), and these gauges only weakly reference what they read: left behind, they would report NaN
     * under the next application's identical gauges.
     */
    @PreDestroy
    void removeGauges() {
        redisRemoved();
        registry.find("switchboard.budget.used.ratio").meters().forEach(registry::remove);
    }

    private static String tag(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
