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
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.SecretFile;
import dev.switchboard.routing.UpstreamProvider;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A gateway in ApiKeys mode with one client per limit under test, an admin key, provider pricing and limits, and
 * a real redis-server (with a password) holding the counters. {@link #writeTable} switches FailOpen/FailClosed.
 */
public class AccessTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String ADMIN_KEY = "sk-admin-secret-0001";
    public static final String REDIS_PASSWORD = "redis-pass-secret-0002";
    public static final String KEY_PREFIX = "switchboard:test:access";
    /** Simulator usage is 5 + 7 tokens; at 1000 per million tokens a chat completion costs 0.012. */
    public static final double PRICE_PER_MILLION = 1000;

    /** Client name to its key; every key is a secret that must never show up anywhere. */
    public static final Map<String, String> KEYS = Map.of(
            "all", "sk-client-all-0003",
            "search", "sk-client-search-0004",
            "rpm", "sk-client-rpm-0005",
            "tpm", "sk-client-tpm-0006",
            "conc", "sk-client-conc-0007",
            "budget", "sk-client-budget-0008",
            "monthly", "sk-client-monthly-0009",
            "shared", "sk-client-shared-0010",
            "guarded", "sk-client-guarded-0011",
            "messages", "sk-client-messages-0012");

    private static volatile OpenAiSimulator simulator;
    private static volatile RedisServer redis;
    private static volatile Path root;

    public static RedisServer redis() {
        return redis;
    }

    @Override
    public Map<String, String> start() {
        try {
            simulator = OpenAiSimulator.start(0);
            redis = RedisServer.start(REDIS_PASSWORD);
            root = Files.createTempDirectory("switchboard-access-test");
            writeTable(AccessRules.FAIL_OPEN);
            return Map.of("switchboard.routing.dir", root.resolve("routing").toString(), "switchboard.reload.poll-interval-ms", "200");
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the access test resources", e);
        }
    }

    /** Writes (or rewrites) the table with the given Redis failure mode; the Redis timeout is generous, for busy CI machines. */
    public static void writeTable(String onUnavailable) throws IOException {
        Path secrets = root.resolve("secrets");
        List<SecretFile> providerKeys = TestTables.writeKeys(secrets.resolve("openai-keys"));
        List<ClientRule> clients = new ArrayList<>();
        clients.add(client(secrets, "all", List.of(), null, null));
        clients.add(client(secrets, "search", List.of("gpt-4o*"), null, null));
        clients.add(client(secrets, "rpm", List.of(), new Limits(10, null, null), null));
        clients.add(client(secrets, "tpm", List.of(), new Limits(null, 300, null), null));
        clients.add(client(secrets, "conc", List.of(), new Limits(null, null, 3), null));
        clients.add(client(secrets, "budget", List.of(), null, new Budget(0.02, 1.0, 0.5)));
        clients.add(client(secrets, "monthly", List.of(), null, new Budget(null, 0.02, 0.8)));
        clients.add(client(secrets, "shared", List.of(), new Limits(12, null, null), null));
        clients.add(client(secrets, "guarded", List.of(), new Limits(1000, null, null), null));
        clients.add(client(secrets, "messages", List.of(), new Limits(2, null, null), null));
        SecretFile admin = secret(secrets, "gateway-admin", "key", ADMIN_KEY);
        SecretFile password = secret(secrets, "redis-auth", "password", REDIS_PASSWORD);
        AccessRules access = new AccessRules(AccessRules.API_KEYS, clients, admin,
                new AccessRules.RedisStore("redis://" + redis.endpoint() + "/0", password, onUnavailable, KEY_PREFIX, 5000));

        UpstreamProvider.Timeouts timeouts = new UpstreamProvider.Timeouts(2_000, 30_000, 30_000, 60_000);
        List<UpstreamProvider.Price> prices = List.of(
                new UpstreamProvider.Price("upstream-gpt-4o", PRICE_PER_MILLION, PRICE_PER_MILLION, PRICE_PER_MILLION),
                new UpstreamProvider.Price("slow-1000", PRICE_PER_MILLION, PRICE_PER_MILLION, PRICE_PER_MILLION));
        List<UpstreamProvider> providers = List.of(
                new UpstreamProvider("sim-openai", "OpenAI", simulator.baseUrl(), null, null, timeouts, null, prices, providerKeys, null),
                new UpstreamProvider("sim-limited", "OpenAI", simulator.baseUrl(), null, null, timeouts,
                        new UpstreamProvider.Limits(3, null, null), null, providerKeys, null),
                new UpstreamProvider("sim-one-per-minute", "OpenAI", simulator.baseUrl(), null, null, timeouts,
                        new UpstreamProvider.Limits(1, null, null), null, providerKeys, null));
        List<ModelRoute> models = List.of(
                new ModelRoute("gpt-4o", List.of("gpt-4o-latest"), "Weighted", List.of(TestTables.target("sim-openai", "upstream-gpt-4o")), List.of(), null),
                TestTables.route("claude", "Weighted", TestTables.target("sim-openai", "upstream-claude")),
                TestTables.route("slow", "Weighted", TestTables.target("sim-openai", "slow-1000")),
                TestTables.route("provider-limited", "Weighted", TestTables.target("sim-limited", "upstream-limited")),
                // Its preferred target's account allows one request a minute; the second tier takes the rest.
                new ModelRoute("limited-then-open", List.of(), "Priority", List.of(
                        new ModelRoute.Target("sim-one-per-minute", "upstream-preferred", 1, 0),
                        new ModelRoute.Target("sim-openai", "upstream-spill", 1, 1)), List.of(), null));
        TestTables.write(new RoutingTable(RoutingTable.SCHEMA_VERSION, new RoutingTable.Source("test", "access"), TestTables.settings(),
                access, providers, models), root.resolve("routing"));
    }

    private static ClientRule client(Path secrets, String name, List<String> models, Limits limits, Budget budget) throws IOException {
        return new ClientRule(name, "team-" + name, secret(secrets, "client-keys", name, KEYS.get(name)), models, limits, budget,
                Map.of("tier", "test"));
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
            redis.close();
            TempDirs.delete(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
