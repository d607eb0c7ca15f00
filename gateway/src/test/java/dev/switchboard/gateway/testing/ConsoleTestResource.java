package dev.switchboard.gateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.AccessRules.Budget;
import dev.switchboard.routing.AccessRules.ClientRule;
import dev.switchboard.routing.AccessRules.Limits;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.SecretFile;
import dev.switchboard.routing.UpstreamProvider;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A gateway in ApiKeys mode with an admin key, two budgeted clients and a priced, limited provider in front of the
 * OpenAI simulator, for the console's browser tests: "broken" always fails upstream (its breaker opens), "slow" answers
 * after {@link #SLOW_MS}, "legacy" is deprecated. {@link #writeRejectedTable} and {@link #writeTable} switch between a table the gateway refuses and the
 * good one.
 */
public class ConsoleTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String ADMIN_KEY = "sk-console-admin-secret-0101";
    /** Client name to its key. */
    public static final Map<String, String> CLIENT_KEYS = Map.of(
            "ops", "sk-console-ops-secret-0102",
            "batch", "sk-console-batch-secret-0103");
    /** Simulator usage is 5 + 7 tokens; at 1000 per million tokens a chat completion costs 0.012. */
    public static final double PRICE_PER_MILLION = 1000;
    public static final String REJECTED_STRATEGY = "NoSuchStrategy";
    /** How long the simulator holds a request to "slow": long enough to watch it in flight. */
    public static final long SLOW_MS = 4_000;

    /** Every secret value the table's files hold: none may appear in a page or its data. */
    public static List<String> secretValues() {
        return List.of(ADMIN_KEY, CLIENT_KEYS.get("ops"), CLIENT_KEYS.get("batch"), TestTables.KEY_A, TestTables.KEY_B);
    }

    private static volatile OpenAiSimulator simulator;
    private static volatile Path root;

    @Override
    public Map<String, String> start() {
        try {
            simulator = OpenAiSimulator.start(0);
            root = Files.createTempDirectory("switchboard-console-test");
            writeTable();
            return Map.of("switchboard.routing.dir", root.resolve("routing").toString(), "switchboard.reload.poll-interval-ms", "200");
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the console test resources", e);
        }
    }

    public static void writeTable() throws IOException {
        TestTables.write(table("Weighted"), root.resolve("routing"));
    }

    /** A table whose only fault is an unknown strategy: the gateway rejects it and keeps serving the last good one. */
    public static void writeRejectedTable() throws IOException {
        TestTables.write(table(REJECTED_STRATEGY), root.resolve("routing"));
    }

    private static RoutingTable table(String legacyStrategy) throws IOException {
        Path secrets = root.resolve("secrets");
        List<SecretFile> providerKeys = TestTables.writeKeys(secrets.resolve("openai-keys"));
        List<ClientRule> clients = List.of(
                new ClientRule("ops", "team-ops", secret(secrets, "client-keys", "ops", CLIENT_KEYS.get("ops")), List.of(),
                        new Limits(1000, 100_000, 10), new Budget(5.0, 50.0, 0.8), Map.of()),
                new ClientRule("batch", "team-batch", secret(secrets, "client-keys", "batch", CLIENT_KEYS.get("batch")), List.of(),
                        new Limits(500, null, null), new Budget(null, 20.0, 0.8), Map.of()));
        AccessRules access = new AccessRules(AccessRules.API_KEYS, clients, secret(secrets, "gateway-admin", "key", ADMIN_KEY), null);
        List<UpstreamProvider.Price> prices = List.of(
                new UpstreamProvider.Price("upstream-gpt-4o", PRICE_PER_MILLION, PRICE_PER_MILLION, PRICE_PER_MILLION));
        UpstreamProvider provider = new UpstreamProvider("sim-openai", "OpenAI", simulator.baseUrl(), null, null,
                new UpstreamProvider.Timeouts(2_000, 30_000, 30_000, 60_000), new UpstreamProvider.Limits(600, 600_000, 50),
                prices, providerKeys, null);
        List<ModelRoute> models = List.of(
                new ModelRoute("gpt-4o", List.of("gpt-4o-latest"), "Weighted", List.of(TestTables.target("sim-openai", "upstream-gpt-4o")),
                        List.of(), null),
                TestTables.route("broken", "Weighted", TestTables.target("sim-openai", "fail-500")),
                TestTables.route("slow", "Weighted", TestTables.target("sim-openai", "slow-" + SLOW_MS)),
                new ModelRoute("legacy", List.of(), legacyStrategy, List.of(TestTables.target("sim-openai", "upstream-legacy")),
                        List.of("gpt-4o"), new ModelRoute.Deprecation("gpt-4o", "2099-12-31", "Use gpt-4o.")));
        return new RoutingTable(RoutingTable.SCHEMA_VERSION, new RoutingTable.Source("test", "console"), TestTables.settings(), access,
                List.of(provider), models);
    }

    private static SecretFile secret(Path secrets, String secret, String key, String value) throws IOException {
        Path file = secrets.resolve(secret).resolve(key);
        Files.createDirectories(file.getParent());
        Files.writeString(file, value + "\n");
        return new SecretFile(secret, key, file.toString());
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
