package dev.switchboard.gateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.AccessRules.Budget;
import dev.switchboard.routing.AccessRules.ClientRule;
import dev.switchboard.routing.AccessRules.Limits;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.PolicySettings;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.SecretFile;
import dev.switchboard.routing.UpstreamProvider;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * {@link TestTables#standard} with what the monitoring watches switched on: ApiKeys clients (one with a daily budget,
 * one limited to a request a minute), counters in a real redis-server, pricing on {@code sim-openai}, and a model
 * that falls back to {@code gpt-4o} after its only target answers 500.
 */
public class MonitoringTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String BUDGETED_KEY = "sk-monitoring-budgeted-0001";
    public static final String LIMITED_KEY = "sk-monitoring-limited-0002";
    private static final String REDIS_PASSWORD = "redis-monitoring-secret-0003";

    private OpenAiSimulator simulator;
    private RedisServer redis;
    private Path root;

    @Override
    public Map<String, String> start() {
        try {
            simulator = OpenAiSimulator.start(0);
            redis = RedisServer.start(REDIS_PASSWORD);
            root = Files.createTempDirectory("switchboard-monitoring-test");
            Path routingDir = root.resolve("routing");
            TestTables.write(table(root.resolve("secrets")), routingDir);
            return Map.of("switchboard.routing.dir", routingDir.toString(), "switchboard.reload.poll-interval-ms", "200");
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the monitoring test resources", e);
        }
    }

    private RoutingTable table(Path secrets) throws IOException {
        RoutingTable standard = TestTables.standard(simulator.baseUrl(), secrets);
        List<UpstreamProvider> providers = new ArrayList<>();
        for (UpstreamProvider p : standard.providers()) {
            providers.add(!p.name().equals("sim-openai") ? p
                    : new UpstreamProvider(p.name(), p.type(), p.endpoint(), p.apiVersion(), p.headers(), p.timeouts(), p.limits(),
                            List.of(new UpstreamProvider.Price("upstream-gpt-4o", 1000, 1000, 1000)), p.credentials(), p.simulation(),
                            p.capabilities()));
        }
        List<ModelRoute> models = new ArrayList<>(standard.models());
        models.add(new ModelRoute("fail-then-gpt-4o", List.of(), "Weighted", List.of(TestTables.target("sim-openai", "fail-500")),
                List.of("gpt-4o"), null));
        List<ClientRule> clients = List.of(
                new ClientRule("budgeted", "team-a", secret(secrets, "client-keys", "budgeted", BUDGETED_KEY), List.of(), null,
                        new Budget(100.0, null, 0.8), Map.of()),
                new ClientRule("limited", "team-b", secret(secrets, "client-keys", "limited", LIMITED_KEY), List.of(),
                        new Limits(1, null, null), null, Map.of()));
        AccessRules access = new AccessRules(AccessRules.API_KEYS, clients, null, new AccessRules.RedisStore(
                "redis://" + redis.endpoint() + "/0", secret(secrets, "redis-auth", "password", REDIS_PASSWORD), AccessRules.FAIL_OPEN,
                "switchboard:test:monitoring", 5000));
        // Without a retry class nothing fails over; ServerError lets the 500 move on to the fallback (no retry rounds).
        PolicySettings defaults = standard.settings();
        PolicySettings settings = new PolicySettings(defaults.strategy(), new PolicySettings.Retry(0, 0, 0, List.of("ServerError")),
                defaults.circuitBreaker(), defaults.deadlineMs(), defaults.maxRequestBodyBytes(), defaults.affinity());
        return new RoutingTable(standard.schemaVersion(), standard.source(), settings, access, providers, models);
    }

    private static SecretFile secret(Path secrets, String secret, String key, String value) throws IOException {
        Path file = secrets.resolve(secret).resolve(key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, value + "\n");
        return new SecretFile(secret, key, file.toString());
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
            redis.close();
            TempDirs.delete(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
