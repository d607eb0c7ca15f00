package dev.switchboard.gateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.ModelRoute.Target;
import dev.switchboard.routing.PolicySettings;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.SecretFile;
import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A gateway whose table pairs failing targets with healthy ones, for the fault-injection tests. Each scenario has
 * its own provider for the failing side (so key cooldowns and breakers of one scenario never touch another) and
 * its own upstream model on the shared healthy provider. Timeouts are short so every case ends in well under a
 * second or two.
 */
public class ResilienceTestResource implements QuarkusTestResourceLifecycleManager {

    /** One request budget for every case: long enough for a failover, short enough for the deadline test. */
    public static final long DEADLINE_MS = 2_500;
    public static final int CONSECUTIVE_FAILURES = 3;
    /** Without Retry-After a rate-limited key cools down this long (doubling per 429 in a row). */
    public static final long KEY_COOLDOWN_MS = 300;

    /** Scenarios where one failing target is paired with a healthy one: model name to the failing behaviour. */
    public static final Map<String, String> FAILOVER = Map.ofEntries(
            Map.entry("fo-429", "rate-limited"),
            Map.entry("fo-429-bare", "rate-limited-bare"),
            Map.entry("fo-500", "fail-500"),
            Map.entry("fo-503", "fail-503"),
            Map.entry("fo-refused", "refused"),
            Map.entry("fo-reset", "reset"),
            Map.entry("fo-stall", "stall"),
            Map.entry("fo-empty-stream", "empty-stream"),
            Map.entry("fo-keepalive-error", "keepalive-then-error"),
            Map.entry("fo-keepalive-stall", "keepalive-stall"),
            Map.entry("fo-malformed", "malformed-json"));

    private static volatile OpenAiSimulator simulator;
    private Path root;

    public static OpenAiSimulator simulator() {
        return simulator;
    }

    @Override
    public Map<String, String> start() {
        try {
            simulator = OpenAiSimulator.start(0);
            root = Files.createTempDirectory("switchboard-resilience-test");
            TestTables.write(table(simulator.baseUrl(), root.resolve("secrets")), root.resolve("routing"));
            return Map.of("switchboard.routing.dir", root.resolve("routing").toString(),
                    "switchboard.reload.poll-interval-ms", "200",
                    "switchboard.keys.cooldown-ms", Long.toString(KEY_COOLDOWN_MS));
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test upstream", e);
        }
    }

    @Override
    public void stop() {
        try {
            simulator.close();
            TempDirs.delete(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static UpstreamProvider provider(String name, String url, List<SecretFile> keys) {
        // First byte and idle gap 400 ms: stalls are caught fast; total well inside the deadline.
        return new UpstreamProvider(name, "OpenAI", url, null, null, new Timeouts(500, 400, 400, 2_000), null,
                List.of(new UpstreamProvider.Price("ok~cheap", 1, 2, 0), new UpstreamProvider.Price("ok~dear", 5, 15, 0)), keys, null);
    }

    static RoutingTable table(String url, Path secretDir) throws IOException {
        List<SecretFile> keys = TestTables.writeKeys(secretDir);
        List<UpstreamProvider> providers = new ArrayList<>();
        List<ModelRoute> models = new ArrayList<>();
        providers.add(provider("good", url, keys));
        FAILOVER.forEach((model, behaviour) -> {
            String bad = "bad-" + model;
            String alone = "alone-" + model;
            // Port 1 is privileged and unused on test machines: connections are refused at once.
            String badUrl = "refused".equals(behaviour) ? "http://127.0.0.1:1/v1" : url;
            providers.add(provider(bad, badUrl, keys));
            providers.add(provider(alone, badUrl, keys));
            // Priority puts the failing target first every time; the healthy one is the next tier.
            models.add(new ModelRoute(model, List.of(), "Priority",
                    List.of(new Target(bad, behaviour + "~" + model, 1, 0), new Target("good", "ok~" + model, 1, 1)), List.of(), null));
            models.add(new ModelRoute("only-" + model.substring(3), List.of(), "Weighted",
                    List.of(new Target(alone, behaviour + "~only-" + model, 1, 0)), List.of(), null));
        });
        providers.add(provider("streams", url, keys));
        models.add(TestTables.route("stall-stream", "Weighted", TestTables.target("streams", "stall-stream")));
        models.add(TestTables.route("truncated-stream", "Weighted", TestTables.target("streams", "truncated-stream")));
        providers.add(provider("strict", url, keys));
        models.add(new ModelRoute("client-error", List.of(), "Priority",
                List.of(new Target("strict", "bad-request", 1, 0), new Target("good", "ok~client-error", 1, 1)), List.of(), null));
        providers.add(provider("half-bad-keys", url, keys));
        models.add(TestTables.route("key-quarantine", "Weighted", TestTables.target("half-bad-keys", "reject-key-a")));
        providers.add(provider("breaking", url, keys));
        models.add(TestTables.route("breaker", "Weighted", TestTables.target("breaking", "fail-500~breaker")));
        providers.add(provider("falling", url, keys));
        models.add(new ModelRoute("with-fallback", List.of(), "Weighted", List.of(TestTables.target("falling", "fail-503~fb")),
                List.of("fallback-ok"), null));
        models.add(TestTables.route("fallback-ok", "Weighted", TestTables.target("good", "ok~fallback")));
        providers.add(new UpstreamProvider("patient", "OpenAI", url, null, null, new Timeouts(500, 60_000, 60_000, 60_000), null,
                null, keys, null));
        models.add(TestTables.route("deadline", "Weighted", TestTables.target("patient", "stall~deadline")));
        // Healthy targets whose answers take longer than the deadline: the deadline cuts them, not their failure.
        models.add(TestTables.route("long-stream", "Weighted", TestTables.target("patient", "drip-4000~long-stream")));
        models.add(TestTables.route("long-json", "Weighted", TestTables.target("patient", "slow-4000~long-json")));
        // A primary that never answers and may wait longer than the whole deadline, a healthy second and a fallback.
        providers.add(new UpstreamProvider("stalling", "OpenAI", url, null, null, new Timeouts(500, 60_000, 60_000, 60_000), null,
                null, keys, null));
        models.add(new ModelRoute("budget", List.of(), "Priority",
                List.of(new Target("stalling", "stall~budget", 1, 0), new Target("good", "ok~budget", 1, 1)), List.of("fallback-ok"), null));
        providers.add(provider("lat-slow", url, keys));
        providers.add(provider("lat-fast", url, keys));
        models.add(new ModelRoute("latency", List.of(), "LowestLatency",
                List.of(new Target("lat-slow", "slow-150~latency", 1, 0), new Target("lat-fast", "ok~latency", 1, 0)), List.of(), null));
        providers.add(provider("lat-failing", url, keys));
        models.add(new ModelRoute("latency-errors", List.of(), "LowestLatency",
                List.of(new Target("lat-failing", "fail-500~latency-errors", 1, 0), new Target("lat-slow", "slow-100~latency-errors", 1, 0)),
                List.of(), null));
        models.add(new ModelRoute("busy", List.of(), "LeastBusy",
                List.of(new Target("lat-slow", "slow-300~busy", 1, 0), new Target("lat-fast", "slow-20~busy", 1, 0)), List.of(), null));
        models.add(new ModelRoute("cost", List.of(), "LowestCost",
                List.of(new Target("good", "ok~dear", 1, 0), new Target("good", "ok~cheap", 1, 0)), List.of(), null));
        models.add(new ModelRoute("sticky", List.of(), "RoundRobin",
                List.of(new Target("good", "ok~sticky-1", 1, 0), new Target("good", "ok~sticky-2", 1, 0), new Target("good", "ok~sticky-3", 1, 0)),
                List.of(), null));
        PolicySettings settings = new PolicySettings("Weighted",
                new PolicySettings.Retry(1, 10, 50, PolicySettings.RETRY_CONDITIONS),
                new PolicySettings.CircuitBreaker(CONSECUTIVE_FAILURES, null, 60_000, 60_000, 1), DEADLINE_MS, TestTables.MAX_BODY_BYTES,
                new PolicySettings.Affinity("x-session-id", false));
        return new RoutingTable(RoutingTable.SCHEMA_VERSION, new RoutingTable.Source("test", "resilience"), settings, null, providers, models);
    }
}
