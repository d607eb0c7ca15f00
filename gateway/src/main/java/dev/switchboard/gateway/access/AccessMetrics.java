package dev.switchboard.gateway.access;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.jboss.logging.Logger;

import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.AccessRules.ClientRule;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Governance metrics. Client and team tags come from the table (declared clients, "anonymous" in Open mode), model
 * and provider tags from the table too, so the series count is bounded by the configuration, never by callers.
 */
@Singleton
public class AccessMetrics {

    private static final Logger LOG = Logger.getLogger(AccessMetrics.class);
    static final String ANONYMOUS = "anonymous";
    static final String NONE = "none";
    static final int MAX_LABEL_KEYS = 16;
    static final int MAX_LABEL_VALUE = 128;

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
    private final ConcurrentMap<String, Counter> settlements = new ConcurrentHashMap<>();
    private final AtomicReference<Gauge> redisGauge = new AtomicReference<>();
    private volatile double redisUp = 1;
    private final List<Gauge> clientInfoGauges = new ArrayList<>();
    private List<Tags> clientInfo = List.of();

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

    /**
     * Settlements by what became of them in Redis: {@code failed} (Redis did not confirm one; it is kept and sent
     * again), {@code retried} (a kept one confirmed later), {@code abandoned} (a kept one given up: its lease expired,
     * too many were kept, or the table moved to another Redis).
     */
    public void settlements(String result, int count) {
        if (count <= 0) {
            return;
        }
        cached(settlements, result, r -> Counter.builder("switchboard.redis.settlements")
                .description("Settlements Redis did not confirm at first (failed), confirmed on a retry (retried) or given up (abandoned)")
                .tags("result", r)
                .register(registry)).increment(count);
    }

    /**
     * One {@code switchboard_client_info} series per declared client, value 1, carrying its {@code client} and
     * {@code team} and its `labels` as {@code label_<key>} (key characters outside [a-zA-Z0-9_] become `_`, as
     * kube-state-metrics does), so any client metric can be joined with them on {@code client}. Every series has the
     * same label names (Prometheus wants one set per metric): the union of the clients' keys, at most
     * {@value #MAX_LABEL_KEYS} of them in key order, values cut at {@value #MAX_LABEL_VALUE} characters; a client
     * without a key has it empty. The series count is the number of clients, whatever the labels.
     */
    public synchronized void clientsLoaded(AccessRules access) {
        List<Tags> next = clientInfos(access);
        if (next.equals(clientInfo)) {
            return;
        }
        clientInfoGauges.forEach(registry::remove);
        clientInfoGauges.clear();
        for (Tags tags : next) {
            clientInfoGauges.add(Gauge.builder("switchboard.client.info", () -> 1)
                    .description("Declared clients, value always 1: client, team and the client's labels (label_<key>) to join client metrics with")
                    .tags(tags)
                    .register(registry));
        }
        clientInfo = next;
    }

    private static List<Tags> clientInfos(AccessRules access) {
        if (access == null || !AccessRules.API_KEYS.equals(access.mode())) {
            return List.of();
        }
        // Label names, sanitized, in key order; the first key to claim a name keeps it.
        SortedMap<String, String> names = new TreeMap<>();
        access.clients().forEach(client -> client.labels().keySet().forEach(key -> names.put(key, labelName(key))));
        Map<String, String> kept = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        names.forEach((key, name) -> {
            if (kept.size() < MAX_LABEL_KEYS && taken.add(name)) {
                kept.put(key, name);
            }
        });
        if (kept.size() < names.size()) {
            LOG.warnf("switchboard_client_info carries %d of the %d client label keys (at most %d, unique after sanitizing): %s",
                    kept.size(), names.size(), MAX_LABEL_KEYS, kept.keySet());
        }
        List<Tags> infos = new ArrayList<>();
        for (ClientRule client : access.clients()) {
            List<Tag> tags = new ArrayList<>();
            tags.add(Tag.of("client", client.name()));
            tags.add(Tag.of("team", tag(client.team(), NONE)));
            kept.forEach((key, name) -> {
                String value = client.labels().getOrDefault(key, "");
                tags.add(Tag.of(name, value.length() > MAX_LABEL_VALUE ? value.substring(0, MAX_LABEL_VALUE) : value));
            });
            infos.add(Tags.of(tags));
        }
        return List.copyOf(infos);
    }

    private static String labelName(String key) {
        return "label_" + key.replaceAll("[^a-zA-Z0-9_]", "_");
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
        synchronized (this) {
            clientInfoGauges.forEach(registry::remove);
            clientInfoGauges.clear();
            clientInfo = List.of();
        }
    }

    private static <K, M> M cached(ConcurrentMap<K, M> meters, K key, Function<K, M> create) {
        M meter = meters.get(key);
        return meter != null ? meter : meters.computeIfAbsent(key, create);
    }

    private static String tag(String value, String fallback) {
        return value == null ? fallback : value;
    }
}
