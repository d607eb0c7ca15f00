package dev.switchboard.gateway.resilience;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.ModelRoute.Target;
import dev.switchboard.routing.SecretFile;
import dev.switchboard.routing.UpstreamProvider;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The health registry: one {@link TargetState} per target (provider + upstream model) and one {@link KeyPool}
 * per provider. Brought in line with each newly served table on its first request: state of targets and keys
 * that remain is kept, state of removed ones is dropped with their gauges. It only moves forward: a request
 * that started on an older table than the registry's (it captured the table just before a reload) uses the
 * registry as it is, so it can neither drop the breakers of newer targets nor bring rotated-out keys back.
 */
@Singleton
public class TargetHealth {

    record TargetId(String provider, String upstreamModel) {
    }

    private record GaugeId(String model, TargetId target) {
    }

    @Inject
    ResilienceMetrics metrics;

    @ConfigProperty(name = "switchboard.keys.cooldown-ms", defaultValue = "1000")
    long cooldownMs;

    @ConfigProperty(name = "switchboard.keys.quarantine-ms", defaultValue = "60000")
    long quarantineMs;

    /** Monotonic milliseconds; breakers and cooldowns must not jump with the wall clock. */
    private final LongSupplier clock = () -> System.nanoTime() / 1_000_000;
    private final Map<TargetId, TargetState> targets = new ConcurrentHashMap<>();
    private final Map<String, KeyPool> pools = new ConcurrentHashMap<>();
    private final Map<GaugeId, Gauge> breakerGauges = new HashMap<>();
    private final Map<String, Gauge> keyGauges = new HashMap<>();
    private volatile ActiveTable synced;

    /** Makes the registry match the table when it is newer; cheap (one volatile read) otherwise. */
    public void sync(ActiveTable table) {
        if (newer(table)) {
            rebuild(table);
        }
    }

    private boolean newer(ActiveTable table) {
        ActiveTable current = synced;
        return current == null || table.sequence() > current.sequence();
    }

    private synchronized void rebuild(ActiveTable table) {
        if (!newer(table)) {
            return;
        }
        var settings = table.table().settings().circuitBreaker();
        Map<TargetId, TargetState> keepTargets = new HashMap<>();
        Map<GaugeId, Gauge> keepBreakerGauges = new HashMap<>();
        for (ModelRoute route : table.table().models()) {
            for (Target target : route.targets()) {
                TargetId id = new TargetId(target.provider(), target.model());
                TargetState state = keepTargets.computeIfAbsent(id, k -> {
                    TargetState existing = targets.get(k);
                    if (existing != null) {
                        existing.breaker().configure(settings);
                        return existing;
                    }
                    return new TargetState(k.provider(), k.upstreamModel(), new CircuitBreaker(settings, clock), clock);
                });
                GaugeId gaugeId = new GaugeId(route.name(), id);
                Gauge gauge = breakerGauges.remove(gaugeId);
                // A kept gauge already reads this state: a target keeps its state object for as long as it exists.
                keepBreakerGauges.put(gaugeId, gauge != null ? gauge : metrics.breakerGauge(route.name(), state));
            }
        }
        breakerGauges.values().forEach(metrics::remove);
        breakerGauges.clear();
        breakerGauges.putAll(keepBreakerGauges);
        targets.keySet().retainAll(keepTargets.keySet());
        targets.putAll(keepTargets);

        Map<String, Gauge> keepKeyGauges = new HashMap<>();
        for (UpstreamProvider provider : table.table().providers()) {
            KeyPool pool = pools.computeIfAbsent(provider.name(), name -> new KeyPool(name, clock, cooldownMs, quarantineMs));
            pool.update(keyValues(table, provider));
            if (pool.keyless()) {
                continue;
            }
            for (KeyPool.Key key : pool.keys()) {
                String id = provider.name() + "/" + key.fingerprint();
                Gauge gauge = keyGauges.remove(id);
                keepKeyGauges.put(id, gauge != null ? gauge : metrics.keyGauge(pool, key));
            }
        }
        keyGauges.values().forEach(metrics::remove);
        keyGauges.clear();
        keyGauges.putAll(keepKeyGauges);
        pools.keySet().retainAll(table.table().providers().stream().map(UpstreamProvider::name).toList());
        synced = table;
    }

    /**
     * Removes this registry's gauges when the application stops: a meter registry can outlive the application
     * (tests restart it in one JVM), and a gauge left behind would keep reading a dead state.
     */
    @PreDestroy
    synchronized void close() {
        breakerGauges.values().forEach(metrics::remove);
        keyGauges.values().forEach(metrics::remove);
        breakerGauges.clear();
        keyGauges.clear();
    }

    private static List<String> keyValues(ActiveTable table, UpstreamProvider provider) {
        List<String> values = new ArrayList<>(provider.credentials().size());
        for (SecretFile credential : provider.credentials()) {
            String value = table.secret(credential.path());
            if (value != null && !value.isBlank() && !values.contains(value.strip())) {
                values.add(value.strip());
            }
        }
        return values;
    }

    public TargetState target(Target target) {
        return targets.get(new TargetId(target.provider(), target.model()));
    }

    public KeyPool keys(String provider) {
        return pools.get(provider);
    }

    /** Breakers and keys as the admin view shows them: states and counts, fingerprints, never key values. */
    public JsonObject snapshot() {
        JsonArray targetList = new JsonArray();
        targets.values().stream()
                .sorted(java.util.Comparator.comparing(TargetState::provider).thenComparing(TargetState::upstreamModel))
                .forEach(t -> {
                    CircuitBreaker breaker = t.breaker();
                    JsonObject entry = new JsonObject()
                            .put("provider", t.provider())
                            .put("upstreamModel", t.upstreamModel())
                            .put("breaker", breaker.state().name())
                            .put("consecutiveFailures", breaker.consecutiveFailures())
                            .put("probesInFlight", breaker.probesInFlight())
                            .put("inFlight", t.inFlight());
                    if (!Double.isNaN(t.latencyMs())) {
                        entry.put("latencyMs", Math.round(t.latencyMs() * 100) / 100.0);
                    }
                    if (breaker.millisUntilProbe() > 0) {
                        entry.put("probeInMs", breaker.millisUntilProbe());
                    }
                    if (t.millisUntilAvailable() > 0) {
                        entry.put("retryAfterMs", t.millisUntilAvailable());
                    }
                    targetList.add(entry);
                });
        JsonArray keyList = new JsonArray();
        pools.values().stream().filter(p -> !p.keyless()).sorted(java.util.Comparator.comparing(KeyPool::provider)).forEach(pool -> {
            for (KeyPool.Key key : pool.keys()) {
                keyList.add(new JsonObject().put("provider", pool.provider()).put("key", key.fingerprint())
                        .put("state", pool.state(key).name()));
            }
        });
        ActiveTable table = synced;
        return new JsonObject().put("hash", table == null ? null : table.hash()).put("targets", targetList).put("keys", keyList);
    }
}
