package dev.switchboard.gateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.SecretFile;
import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * An {@link AnthropicSimulator} and an {@link OpenAiSimulator} behind one gateway whose table (ApiKeys access)
 * routes `claude-*` models to the Anthropic provider type and `gpt-*` models to the OpenAI one. Clients may forward
 * {@link #FORWARDED_HEADERS} and no other header. Shared by the
 * Anthropic adapter and /v1/messages tests so Quarkus starts once for all of them.
 */
public class AnthropicTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String CLIENT_KEY = "sk-client-anthropic";
    /** A client that may only use `gpt`. */
    public static final String LIMITED_KEY = "sk-client-limited";
    /** The policy's access.forwardHeaders. */
    public static final List<String> FORWARDED_HEADERS = List.of("anthropic-version", "openai-beta");
    /** The anthropic-beta header the `claude-pinned` model's Provider sets. */
    public static final String PROVIDER_BETA = "platform-chosen-beta-2025-01-01";

    private static volatile AnthropicSimulator anthropic;
    private static volatile OpenAiSimulator openAi;
    private Path root;

    public static AnthropicSimulator anthropic() {
        return anthropic;
    }

    public static OpenAiSimulator openAi() {
        return openAi;
    }

    /**
     * After the unrestricted GatewayTestResource, which Quarkus applies to every test class: resources of a later
     * order override the configuration of earlier ones, so this table is the one served.
     */
    @Override
    public int order() {
        return 100;
    }

    @Override
    public Map<String, String> start() {
        try {
            anthropic = AnthropicSimulator.start(0);
            openAi = OpenAiSimulator.start(0);
            root = Files.createTempDirectory("switchboard-anthropic-test");
            Path secrets = root.resolve("secrets");
            TestTables.write(table(secrets), root.resolve("routing"));
            return Map.of("switchboard.routing.dir", root.resolve("routing").toString(), "switchboard.reload.poll-interval-ms", "200");
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test upstreams", e);
        }
    }

    private static RoutingTable table(Path secrets) throws java.io.IOException {
        List<SecretFile> keys = TestTables.writeKeys(secrets);
        Files.writeString(secrets.resolve("client"), CLIENT_KEY);
        Files.writeString(secrets.resolve("limited"), LIMITED_KEY);
        AccessRules access = new AccessRules(AccessRules.API_KEYS, List.of(
                new AccessRules.ClientRule("anthropic-tests", null, new SecretFile("clients", "client", secrets.resolve("client").toString()),
                        List.of(), null, null, null),
                new AccessRules.ClientRule("limited", null, new SecretFile("clients", "limited", secrets.resolve("limited").toString()),
                        List.of("gpt"), null, null, null)), null, null, FORWARDED_HEADERS, List.of());
        Timeouts timeouts = new Timeouts(2_000, 30_000, 30_000, 60_000);
        List<UpstreamProvider> providers = List.of(
                new UpstreamProvider("anthropic-main", "Anthropic", anthropic.baseUrl(), null, Map.of(), timeouts, null, null, keys, null),
                new UpstreamProvider("anthropic-impatient", "Anthropic", anthropic.baseUrl(), null, Map.of(),
                        new Timeouts(2_000, 300, 30_000, 60_000), null, null, keys, null),
                new UpstreamProvider("anthropic-down", "Anthropic", "http://127.0.0.1:1", null, Map.of(), timeouts, null, null, keys, null),
                new UpstreamProvider("openai-main", "OpenAI", openAi.baseUrl(), null, Map.of(), timeouts, null, null, keys, null),
                // A 401 quarantines the key for every model of its provider: the models answering 401 get providers of their own.
                new UpstreamProvider("anthropic-unauthorized", "Anthropic", anthropic.baseUrl(), null, Map.of(), timeouts, null, null, keys, null),
                new UpstreamProvider("openai-unauthorized", "OpenAI", openAi.baseUrl(), null, Map.of(), timeouts, null, null, keys, null),
                new UpstreamProvider("anthropic-pinned", "Anthropic", anthropic.baseUrl(), null, Map.of("anthropic-beta", PROVIDER_BETA),
                        timeouts, null, null, keys, null),
                new UpstreamProvider("anthropic-no-tools", "Anthropic", anthropic.baseUrl(), null, Map.of(), timeouts, null, null, keys, null,
                        new UpstreamProvider.Capabilities(List.of("Tools"), Map.of())),
                TestTables.simulated("simulated"));
        List<ModelRoute> models = new ArrayList<>();
        models.add(TestTables.route("claude", "Weighted", TestTables.target("anthropic-main", "claude-sim")));
        models.add(TestTables.route("claude-cached", "Weighted", TestTables.target("anthropic-main", "cached-claude")));
        models.add(TestTables.route("claude-unauthorized", "Weighted", TestTables.target("anthropic-unauthorized", "unauthorized")));
        models.add(TestTables.route("gpt-unauthorized", "Weighted", TestTables.target("openai-unauthorized", "unauthorized")));
        for (String failure : List.of("rate-limited", "overloaded", "forbidden", "missing", "too-large", "fail-500",
                "stream-error", "break-stream", "endless-stream")) {
            models.add(TestTables.route("claude-" + failure, "Weighted", TestTables.target("anthropic-main", failure)));
        }
        models.add(TestTables.route("claude-slow", "Weighted", TestTables.target("anthropic-impatient", "slow-2000")));
        models.add(TestTables.route("claude-down", "Weighted", TestTables.target("anthropic-down", "claude-sim")));
        models.add(TestTables.route("claude-pinned", "Weighted", TestTables.target("anthropic-pinned", "claude-sim")));
        models.add(TestTables.route("claude-no-tools", "Weighted", TestTables.target("anthropic-no-tools", "claude-sim")));
        models.add(TestTables.route("gpt", "Weighted", TestTables.target("openai-main", "upstream-gpt")));
        models.add(TestTables.route("gpt-cached", "Weighted", TestTables.target("openai-main", "cached-gpt")));
        for (String failure : List.of("rate-limited", "fail-500", "break-stream", "endless-stream")) {
            models.add(TestTables.route("gpt-" + failure, "Weighted", TestTables.target("openai-main", failure)));
        }
        models.add(TestTables.route("sim", "Weighted", TestTables.target("simulated", "sim-model")));
        return new RoutingTable(RoutingTable.SCHEMA_VERSION, new RoutingTable.Source("test", "anthropic"), TestTables.settings(), access,
                providers, models);
    }

    @Override
    public void stop() {
        try {
            anthropic.close();
            openAi.close();
            TempDirs.delete(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
