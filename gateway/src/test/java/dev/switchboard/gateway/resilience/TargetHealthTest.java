package dev.switchboard.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.gateway.testing.TestTables;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.ModelRoute.Target;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.SecretFile;
import dev.switchboard.routing.UpstreamProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Breaker and key state across table reloads: kept for what stays, dropped (with its gauges) for what goes. */
class TargetHealthTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final TargetHealth health = new TargetHealth();

    @BeforeEach
    void wire() {
        ResilienceMetrics metrics = new ResilienceMetrics();
        metrics.registry = registry;
        health.metrics = metrics;
        health.cooldownMs = 1_000;
        health.quarantineMs = 60_000;
    }

    private static ActiveTable table(Map<String, String> keys, Target... targets) {
        List<SecretFile> files = keys.keySet().stream().map(path -> new SecretFile("keys", path, path)).toList();
        List<UpstreamProvider> providers = List.of(TestTables.openAi("a", "http://127.0.0.1:9/v1", files, 1_000),
                TestTables.openAi("b", "http://127.0.0.1:9/v1", files, 1_000));
        RoutingTable table = new RoutingTable(RoutingTable.SCHEMA_VERSION, new RoutingTable.Source("test", "health"), TestTables.settings(), null,
                providers, List.of(new ModelRoute("m", List.of(), "Weighted", List.of(targets), List.of(), null)));
        return new ActiveTable(table, "hash-" + System.nanoTime(), Instant.now(), keys);
    }

    private double breakerGauge(String provider) {
        var gauge = registry.find("switchboard.circuit.breaker.state").tag("provider", provider).gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }

    @Test
    void stateOfTargetsAndKeysThatStayIsKeptAndStateOfRemovedOnesIsDropped() {
        Target a = new Target("a", "x", 1, 0);
        Target b = new Target("b", "x", 1, 0);
        health.sync(table(Map.of("/k1", "key-one", "/k2", "key-two"), a, b));
        for (int i = 0; i < TestTables.settings().circuitBreaker().consecutiveFailures(); i++) {
            health.target(a).breaker().tryAcquire().failure();
        }
        KeyPool pool = health.keys("a");
        KeyPool.Key refused = pool.keys().stream().filter(k -> k.value().equals("key-one")).findFirst().orElseThrow();
        pool.refused(refused, null);
        assertThat(breakerGauge("a")).isEqualTo(1.0);

        health.sync(table(Map.of("/k1", "key-one", "/k3", "key-three"), a));

        assertThat(health.target(a).breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(health.target(b)).isNull();
        assertThat(breakerGauge("a")).isEqualTo(1.0);
        assertThat(breakerGauge("b")).as("gauge of the removed target").isNaN();
        assertThat(health.keys("a").state(refused)).isEqualTo(KeyPool.State.QUARANTINED);
        assertThat(registry.find("switchboard.upstream.key.state").tag("key", KeyPool.fingerprint("key-two")).gauges())
                .as("gauge of the removed key").isEmpty();
        assertThat(registry.find("switchboard.upstream.key.state").tag("key", KeyPool.fingerprint("key-three")).gauge().value()).isZero();
    }

    @Test
    void aRequestOnAnOlderTableDoesNotRollTheRegistryBack() {
        Target a = new Target("a", "x", 1, 0);
        Target b = new Target("b", "x", 1, 0);
        ActiveTable older = table(Map.of("/k1", "key-one", "/k2", "key-two"), a);
        ActiveTable newer = table(Map.of("/k1", "key-one", "/k3", "key-three"), a, b);
        health.sync(newer);
        for (int i = 0; i < TestTables.settings().circuitBreaker().consecutiveFailures(); i++) {
            health.target(b).breaker().tryAcquire().failure();
        }

        health.sync(older);

        assertThat(health.target(b)).as("the newer table's target keeps its state").isNotNull();
        assertThat(health.target(b).breaker().state()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(health.keys("a").keys()).as("the rotated-out key stays out").extracting(KeyPool.Key::value)
                .containsExactlyInAnyOrder("key-one", "key-three");
        assertThat(health.snapshot().getString("hash")).isEqualTo(newer.hash());
    }

    @Test
    void theSnapshotShowsStatesAndFingerprintsButNoKeyValues() {
        Target a = new Target("a", "x", 1, 0);
        health.sync(table(Map.of("/k1", "sk-secret-value"), a));

        String snapshot = health.snapshot().encode();

        assertThat(snapshot).contains("\"breaker\":\"CLOSED\"").contains(KeyPool.fingerprint("sk-secret-value")).doesNotContain("sk-secret");
    }
}
