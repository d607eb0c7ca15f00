package dev.switchboard.gateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * Upstreams that ask for time with Retry-After ({@link OpenAiSimulator}'s {@code unavailable-retry-after} and
 * {@code rate-limited-<date form>}), each behind its own provider with two keys, alone or in front of a healthy
 * target. Failures of every retry class move on to the next target; no retry rounds, so a request ends after one
 * pass and what the gateway remembers shows on the next request.
 */
public class RetryAfterTestResource implements QuarkusTestResourceLifecycleManager {

    private static volatile OpenAiSimulator simulator;
    private Path root;

    public static OpenAiSimulator simulator() {
        return simulator;
    }

    @Override
    public Map<String, String> start() {
        try {
            simulator = OpenAiSimulator.start(0);
            root = Files.createTempDirectory("switchboard-retry-after-test");
            List<SecretFile> keys = TestTables.writeKeys(root.resolve("secrets"));
            String url = simulator.baseUrl();
            List<UpstreamProvider> providers = List.of(provider("busy-first", url, keys), provider("busy", url, keys),
                    provider("good", url, keys), provider("limited-rfc850", url, keys), provider("limited-asctime", url, keys));
            List<ModelRoute> models = List.of(
                    new ModelRoute("busy-then-good", List.of(), "Priority", List.of(new Target("busy-first", "unavailable-retry-after~fo", 1, 0),
                            new Target("good", "ok~fo", 1, 1)), List.of(), null),
                    TestTables.route("busy-alone", "Weighted", TestTables.target("busy", "unavailable-retry-after~alone")),
                    TestTables.route("limited-rfc850", "Weighted", TestTables.target("limited-rfc850", "rate-limited-rfc850")),
                    TestTables.route("limited-asctime", "Weighted", TestTables.target("limited-asctime", "rate-limited-asctime")));
            PolicySettings settings = new PolicySettings("Weighted", new PolicySettings.Retry(0, 10, 50, PolicySettings.RETRY_CONDITIONS),
                    new PolicySettings.CircuitBreaker(5, null, 60_000, 30_000, 1), 10_000, TestTables.MAX_BODY_BYTES);
            TestTables.write(new RoutingTable(RoutingTable.SCHEMA_VERSION, new RoutingTable.Source("test", "retry-after"), settings, null,
                    providers, models), root.resolve("routing"));
            return Map.of("switchboard.routing.dir", root.resolve("routing").toString(), "switchboard.reload.poll-interval-ms", "200");
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test upstream", e);
        }
    }

    private static UpstreamProvider provider(String name, String url, List<SecretFile> keys) {
        return new UpstreamProvider(name, "OpenAI", url, null, null, new Timeouts(2_000, 5_000, 5_000, 10_000), null, null, keys, null);
    }

    /** After the module's global resource (order 0), so this table's directory is the one the gateway watches. */
    @Override
    public int order() {
        return 100;
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
}
