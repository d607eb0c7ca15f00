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
import dev.switchboard.routing.ModelRoute.Target;
import dev.switchboard.routing.PolicySettings;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.SecretFile;
import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Price;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Two {@link OpenAiSimulator}s and an {@link AnthropicSimulator} behind a gateway in ApiKeys mode, for the
 * fault-schedule test. Each seed gets its own table ({@link #writeTable}) with providers named after it, so it starts
 * with fresh breakers and keys: several keys per provider, models with fallbacks (one of them outside a client's
 * allow-list; fs-chat's strategy chosen by the seed), a model whose targets speak both dialects, prices on
 * everything, clients with concurrency limits and budgets, and short timeouts, so stalls cost about a second.
 * Versions 1 and 2 of a seed's table are the reloads mixed into its run: the weights change, a key is dropped and
 * comes back, another one is rotated.
 */
public class FaultScheduleTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String ADMIN_KEY = "sk-fs-admin-0001";
    /** Every client may use every model. */
    public static final String OPEN = "fs-open";
    /** May use only {@link #RESTRICTED_MODELS}: not fs-backup, the last fallback of fs-chat and fs-claude. */
    public static final String RESTRICTED = "fs-restricted";
    public static final Map<String, String> CLIENT_KEYS = Map.of(OPEN, "sk-fs-open-0002", RESTRICTED, "sk-fs-restricted-0003");
    public static final List<String> RESTRICTED_MODELS = List.of("fs-chat", "fs-claude", "fs-mixed");
    public static final List<String> MODELS = List.of("fs-chat", "fs-claude", "fs-mixed", "fs-backup");
    /** The upstream model behind fs-backup, which only fs-backup serves. */
    public static final String BACKUP_UPSTREAM = "gpt-backup";
    public static final long DEADLINE_MS = 3_000;
    /** Per million tokens; input, output and cached input differ, so a cost tells which price applied. */
    public static final double INPUT_PRICE = 1000;
    public static final double OUTPUT_PRICE = 2000;
    public static final double CACHED_PRICE = 100;
    public static final int OPEN_CONCURRENCY = 24;
    public static final int RESTRICTED_CONCURRENCY = 12;

    private static volatile OpenAiSimulator openAi1;
    private static volatile OpenAiSimulator openAi2;
    private static volatile AnthropicSimulator anthropic;
    private static volatile Path root;

    public static OpenAiSimulator openAi1() {
        return openAi1;
    }

    public static OpenAiSimulator openAi2() {
        return openAi2;
    }

    public static AnthropicSimulator anthropic() {
        return anthropic;
    }

    /** After the global GatewayTestResource, so this table is the one served (see AnthropicTestResource#order). */
    @Override
    public int order() {
        return 100;
    }

    @Override
    public Map<String, String> start() {
        try {
            openAi1 = OpenAiSimulator.start(0);
            openAi2 = OpenAiSimulator.start(0);
            anthropic = AnthropicSimulator.start(0);
            root = Files.createTempDirectory("switchboard-fault-schedule-test");
            writeTable(0, 0);
            return Map.of("switchboard.routing.dir", root.resolve("routing").toString(),
                    "switchboard.reload.poll-interval-ms", "100",
                    // A client that leaves after the finish reason is read on for usage this long: short, so books close soon.
                    "switchboard.metering.usage-drain-ms", "500",
                    "switchboard.keys.cooldown-ms", "300");
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the fault-schedule test resources", e);
        }
    }

    /** The name a seed's table version carries in its source, to tell when it is served. */
    public static String tableName(long seed, int version) {
        return "faults-" + Long.toHexString(seed) + "-v" + version;
    }

    /** A provider's name in a seed's table: its own breakers and key pools. */
    public static String provider(String base, long seed) {
        return base + "-" + Long.toHexString(seed);
    }

    /** Writes version 0, 1 or 2 of the seed's table. */
    public static void writeTable(long seed, int version) throws IOException {
        Path secrets = root.resolve("secrets").resolve(Long.toHexString(seed) + "-v" + version);
        String oa1 = provider("oa1", seed);
        String oa2 = provider("oa2", seed);
        String an = provider("an", seed);
        Timeouts timeouts = new Timeouts(500, 1_000, 1_000, 3_000);
        List<UpstreamProvider> providers = List.of(
                new UpstreamProvider(oa1, "OpenAI", openAi1.baseUrl(), null, Map.of(), timeouts, null,
                        prices("gpt-a", "gpt-m"), keys(secrets, oa1, version == 2 ? List.of("a", "b2") : List.of("a", "b")), null),
                new UpstreamProvider(oa2, "OpenAI", openAi2.baseUrl(), null, Map.of(), timeouts, null,
                        prices("gpt-b", BACKUP_UPSTREAM), keys(secrets, oa2, version == 1 ? List.of("a", "b") : List.of("a", "b", "c")), null),
                new UpstreamProvider(an, "Anthropic", anthropic.baseUrl(), null, Map.of(), timeouts, null,
                        prices("claude-a", "claude-m"), keys(secrets, an, List.of("a", "b")), null));
        int[][] weights = { { 3, 1 }, { 1, 3 }, { 2, 2 } };
        List<ModelRoute> models = List.of(
                new ModelRoute("fs-chat", List.of(), strategy(seed), List.of(new Target(oa1, "gpt-a", weights[version][0], 0),
                        new Target(oa2, "gpt-b", weights[version][1], 0)), List.of("fs-claude", "fs-backup"), null),
                new ModelRoute("fs-claude", List.of(), "Weighted", List.of(new Target(an, "claude-a", 1, 0)), List.of("fs-backup"), null),
                // Anthropic first, OpenAI second: /v1/messages passes through, then translates; chat the other way round.
                new ModelRoute("fs-mixed", List.of(), "Priority", List.of(new Target(an, "claude-m", 1, 0), new Target(oa1, "gpt-m", 1, 1)),
                        List.of(), null),
                new ModelRoute("fs-backup", List.of(), "Weighted", List.of(new Target(oa2, BACKUP_UPSTREAM, 1, 0)), List.of(), null));
        PolicySettings settings = new PolicySettings("Weighted", new PolicySettings.Retry(1, 20, 200, PolicySettings.RETRY_CONDITIONS),
                new PolicySettings.CircuitBreaker(5, null, 10_000, 1_000, 1), DEADLINE_MS, TestTables.MAX_BODY_BYTES);
        List<ClientRule> clients = List.of(
                new ClientRule(OPEN, "team-faults", secret(secrets.resolve("clients"), OPEN, CLIENT_KEYS.get(OPEN)), List.of(),
                        new Limits(null, null, OPEN_CONCURRENCY), new Budget(1_000_000.0, null, 0.9), Map.of()),
                new ClientRule(RESTRICTED, "team-faults", secret(secrets.resolve("clients"), RESTRICTED, CLIENT_KEYS.get(RESTRICTED)),
                        RESTRICTED_MODELS, new Limits(null, null, RESTRICTED_CONCURRENCY), new Budget(1_000_000.0, null, 0.9), Map.of()));
        AccessRules access = new AccessRules(AccessRules.API_KEYS, clients, secret(secrets.resolve("admin"), "admin", ADMIN_KEY), null);
        TestTables.write(new RoutingTable(RoutingTable.SCHEMA_VERSION, new RoutingTable.Source("test", tableName(seed, version)), settings,
                access, providers, models), root.resolve("routing"));
    }

    /** fs-chat's strategy: seed modulo the number of strategies picks one, as each orders failover differently. */
    public static String strategy(long seed) {
        return ModelRoute.STRATEGIES.get((int) Math.floorMod(seed, (long) ModelRoute.STRATEGIES.size()));
    }

    private static List<Price> prices(String... models) {
        List<Price> prices = new ArrayList<>();
        for (String model : models) {
            prices.add(new Price(model, INPUT_PRICE, OUTPUT_PRICE, CACHED_PRICE));
        }
        return prices;
    }

    private static List<SecretFile> keys(Path secrets, String provider, List<String> names) throws IOException {
        List<SecretFile> keys = new ArrayList<>();
        for (String name : names) {
            keys.add(secret(secrets.resolve(provider), name, "sk-" + provider + "-" + name));
        }
        return keys;
    }

    private static SecretFile secret(Path dir, String name, String value) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(name);
        Files.writeString(file, value + "\n");
        return new SecretFile(dir.getFileName().toString(), name, file.toString());
    }

    @Override
    public void stop() {
        try {
            openAi1.close();
            openAi2.close();
            anthropic.close();
            TempDirs.delete(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
