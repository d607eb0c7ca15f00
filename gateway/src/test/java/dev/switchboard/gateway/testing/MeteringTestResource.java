package dev.switchboard.gateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import dev.switchboard.routing.UpstreamProvider.Price;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A gateway in ApiKeys mode in front of an {@link OpenAiSimulator}, an {@link AnthropicSimulator} and a
 * {@link GeminiSimulator}, with priced
 * models (input, cached input and output at different prices), streams that are cut short in every way, fallbacks
 * that some clients may not use, a deprecated model with a sunset date, client labels, and a persistent
 * redis-server (FailOpen) holding the counters, so Redis can restart with its data as a production one does.
 */
public class MeteringTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String ADMIN_KEY = "sk-admin-metering-0001";
    /** Per million tokens: input, output and cached input all differ, so a cost tells which price applied. */
    public static final double INPUT_PRICE = 1000;
    public static final double OUTPUT_PRICE = 2000;
    public static final double CACHED_PRICE = 100;
    public static final String SUNSET = "2030-06-30";

    /** Client name to key. */
    public static final Map<String, String> KEYS = Map.of(
            "metered", "sk-client-metered-0002",
            "failover-only", "sk-client-failover-only-0003",
            "failover-and-backup", "sk-client-failover-backup-0004",
            "lease", "sk-client-lease-0005",
            "many-labels", "sk-client-many-labels-0006");

    private static volatile OpenAiSimulator openAi;
    private static volatile AnthropicSimulator anthropic;
    private static volatile GeminiSimulator gemini;
    private static volatile RedisServer redis;
    private Path root;

    public static OpenAiSimulator openAi() {
        return openAi;
    }

    public static AnthropicSimulator anthropic() {
        return anthropic;
    }

    public static RedisServer redis() {
        return redis;
    }

    @Override
    public Map<String, String> start() {
        try {
            openAi = OpenAiSimulator.start(0);
            anthropic = AnthropicSimulator.start(0);
            gemini = GeminiSimulator.start(0, TestTables.KEY_A);
            redis = RedisServer.startPersistent(null);
            root = Files.createTempDirectory("switchboard-metering-test");
            TestTables.write(table(root.resolve("secrets")), root.resolve("routing"));
            return Map.of("switchboard.routing.dir", root.resolve("routing").toString(), "switchboard.reload.poll-interval-ms", "200",
                    // Generous, for busy machines: the drained usage comes 1.5 s after the finish reason.
                    "switchboard.metering.usage-drain-ms", "10000");
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the metering test resources", e);
        }
    }

    private static RoutingTable table(Path secrets) throws IOException {
        List<SecretFile> providerKeys = TestTables.writeKeys(secrets.resolve("provider-keys"));
        Map<String, String> manyLabels = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            manyLabels.put("z%02d".formatted(i), "v" + i);
        }
        List<ClientRule> clients = List.of(
                client(secrets, "metered", List.of(), null, new Budget(1000.0, null, 0.8),
                        Map.of("tier", "gold", "app.kubernetes.io/team", "search")),
                client(secrets, "failover-only", List.of("m-failover*"), null, null, Map.of()),
                client(secrets, "failover-and-backup", List.of("m-failover*", "m-backup"), null, null, Map.of()),
                client(secrets, "lease", List.of(), new Limits(null, null, 1), null, Map.of("tier", "bronze")),
                client(secrets, "many-labels", List.of(), null, null, manyLabels));
        AccessRules access = new AccessRules(AccessRules.API_KEYS, clients, secret(secrets, "admin", ADMIN_KEY),
                new AccessRules.RedisStore("redis://" + redis.endpoint() + "/0", null, AccessRules.FAIL_OPEN, "switchboard:test:metering", 2000));

        Timeouts timeouts = new Timeouts(2_000, 30_000, 30_000, 60_000);
        List<Price> openAiPrices = new ArrayList<>();
        for (String model : List.of("late-usage-1500", "endless-stream", "break-stream", "cached", "upstream-gpt", "drip-3000")) {
            openAiPrices.add(new Price(model, INPUT_PRICE, OUTPUT_PRICE, CACHED_PRICE));
        }
        List<Price> anthropicPrices = List.of(new Price("endless-stream", INPUT_PRICE, OUTPUT_PRICE, CACHED_PRICE),
                new Price("cached-claude", INPUT_PRICE, OUTPUT_PRICE, CACHED_PRICE));
        List<UpstreamProvider> providers = List.of(
                new UpstreamProvider("openai", "OpenAI", openAi.baseUrl(), null, null, timeouts, null, openAiPrices, providerKeys, null),
                // Streams end after half a second at most: a stream cut by time, as the request deadline cuts it.
                new UpstreamProvider("openai-short", "OpenAI", openAi.baseUrl(), null, null, new Timeouts(2_000, 30_000, 30_000, 500),
                        null, openAiPrices, providerKeys, null),
                new UpstreamProvider("anthropic", "Anthropic", anthropic.baseUrl(), null, Map.of(), timeouts, null, anthropicPrices,
                        providerKeys, null),
                // The Gemini simulator takes one key.
                new UpstreamProvider("gemini", "Gemini", gemini.endpoint(), null, Map.of(), timeouts, null,
                        List.of(new Price("cached", INPUT_PRICE, OUTPUT_PRICE, CACHED_PRICE)), providerKeys.subList(0, 1), null));

        List<ModelRoute> models = new ArrayList<>();
        models.add(TestTables.route("m-late-usage", "Weighted", TestTables.target("openai", "late-usage-1500")));
        models.add(TestTables.route("m-endless", "Weighted", TestTables.target("openai", "endless-stream")));
        models.add(TestTables.route("m-broken", "Weighted", TestTables.target("openai", "break-stream")));
        models.add(TestTables.route("m-short", "Weighted", TestTables.target("openai-short", "endless-stream")));
        models.add(TestTables.route("m-cached", "Weighted", TestTables.target("openai", "cached")));
        models.add(TestTables.route("m-drip", "Weighted", TestTables.target("openai", "drip-3000")));
        models.add(TestTables.route("m-claude-endless", "Weighted", TestTables.target("anthropic", "endless-stream")));
        models.add(TestTables.route("m-claude-cached", "Weighted", TestTables.target("anthropic", "cached-claude")));
        models.add(TestTables.route("m-gemini-cached", "Weighted", TestTables.target("gemini", "cached")));
        // Each failing model has its own target (and breaker): `~` suffixes are ignored by the simulator.
        models.add(new ModelRoute("m-failover", List.of(), "Weighted", List.of(TestTables.target("openai", "fail-500~chat")),
                List.of("m-anthropic", "m-backup"), null));
        models.add(new ModelRoute("m-failover-messages", List.of(), "Weighted", List.of(TestTables.target("openai", "fail-500~messages")),
                List.of("m-anthropic"), null));
        models.add(new ModelRoute("m-failover-to-old", List.of(), "Weighted", List.of(TestTables.target("openai", "fail-500~old")),
                List.of("m-old", "m-backup"), null));
        models.add(TestTables.route("m-anthropic", "Weighted", TestTables.target("anthropic", "claude-sim")));
        models.add(TestTables.route("m-backup", "Weighted", TestTables.target("openai", "upstream-gpt")));
        models.add(new ModelRoute("m-old", List.of(), "Weighted", List.of(TestTables.target("openai", "upstream-gpt")), List.of(),
                new ModelRoute.Deprecation("m-backup", SUNSET, "Moved to \"m-backup\".")));
        PolicySettings settings = new PolicySettings("Weighted", new PolicySettings.Retry(0, 0, 0, List.of("ServerError")),
                new PolicySettings.CircuitBreaker(50, null, 60_000, 30_000, 1), 60_000, TestTables.MAX_BODY_BYTES);
        return new RoutingTable(RoutingTable.SCHEMA_VERSION, new RoutingTable.Source("test", "metering"), settings, access, providers, models);
    }

    private static ClientRule client(Path secrets, String name, List<String> models, Limits limits, Budget budget,
            Map<String, String> labels) throws IOException {
        return new ClientRule(name, "team-" + name, secret(secrets, name, KEYS.get(name)), models, limits, budget, labels);
    }

    private static SecretFile secret(Path secrets, String name, String value) throws IOException {
        Path file = secrets.resolve("client-keys").resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, value + "\n");
        return new SecretFile("client-keys", name, file.toString());
    }

    @Override
    public void stop() {
        try {
            openAi.close();
            anthropic.close();
            gemini.close();
            redis.close();
            TempDirs.delete(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
