package dev.switchboard.gateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.ModelRoute.Target;
import dev.switchboard.routing.PolicySettings;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.SecretFile;
import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * An {@link AnthropicSimulator} and an {@link OpenAiSimulator} behind a gateway that fails over on every retry
 * condition, for /v1/messages through the attempt pipeline: Priority groups whose first target fails (529, 429, 500,
 * unreachable, a 200 stream that begins with an error event) and whose next one is an Anthropic (passthrough) or an
 * OpenAI (translated) target, and an OpenAI provider declared unable to take images. Breakers never open here, so every request meets its failing target first.
 */
public class MessagesFailoverTestResource implements QuarkusTestResourceLifecycleManager {

    private static volatile AnthropicSimulator anthropic;
    private static volatile OpenAiSimulator openAi;
    private Path root;

    public static AnthropicSimulator anthropic() {
        return anthropic;
    }

    public static OpenAiSimulator openAi() {
        return openAi;
    }

    /** After the global GatewayTestResource, so this table is the one served (see AnthropicTestResource#order). */
    @Override
    public int order() {
        return 100;
    }

    @Override
    public Map<String, String> start() {
        try {
            anthropic = AnthropicSimulator.start(0);
            openAi = OpenAiSimulator.start(0);
            root = Files.createTempDirectory("switchboard-messages-failover-test");
            TestTables.write(table(root.resolve("secrets")), root.resolve("routing"));
            return Map.of("switchboard.routing.dir", root.resolve("routing").toString(), "switchboard.reload.poll-interval-ms", "200");
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test upstreams", e);
        }
    }

    private static RoutingTable table(Path secrets) throws java.io.IOException {
        List<SecretFile> keys = TestTables.writeKeys(secrets);
        Timeouts timeouts = new Timeouts(2_000, 30_000, 30_000, 60_000);
        List<UpstreamProvider> providers = List.of(
                new UpstreamProvider("anthropic", "Anthropic", anthropic.baseUrl(), null, Map.of(), timeouts, null, null, keys, null),
                new UpstreamProvider("anthropic-backup", "Anthropic", anthropic.baseUrl(), null, Map.of(), timeouts, null, null, keys, null),
                new UpstreamProvider("anthropic-down", "Anthropic", "http://127.0.0.1:1", null, Map.of(), timeouts, null, null, keys, null),
                new UpstreamProvider("anthropic-midstream", "Anthropic", anthropic.baseUrl(), null, Map.of(), timeouts, null, null, keys, null),
                new UpstreamProvider("anthropic-malformed", "Anthropic", anthropic.baseUrl(), null, Map.of(), timeouts, null, null, keys, null),
                new UpstreamProvider("openai", "OpenAI", openAi.baseUrl(), null, Map.of(), timeouts, null, null, keys, null),
                new UpstreamProvider("openai-down", "OpenAI", "http://127.0.0.1:1/v1", null, Map.of(), timeouts, null, null, keys, null),
                new UpstreamProvider("openai-text-only", "OpenAI", openAi.baseUrl(), null, Map.of(), timeouts, null, null, keys, null,
                        new UpstreamProvider.Capabilities(List.of("Images"), Map.of())));
        List<ModelRoute> models = List.of(
                priority("overloaded-then-claude", List.of(), first("anthropic", "overloaded"), second("anthropic-backup", "claude-sim")),
                priority("overloaded-then-gpt", List.of(), first("anthropic", "overloaded"), second("openai", "upstream-gpt")),
                priority("failing-gpt-then-claude", List.of(), first("openai", "fail-500"), second("anthropic-backup", "claude-sim")),
                priority("limited-then-gpt", List.of(), first("anthropic", "rate-limited"), second("openai", "upstream-gpt")),
                priority("all-down", List.of(), first("anthropic-down", "claude-sim"), second("openai-down", "upstream-gpt")),
                priority("overloaded-with-fallback", List.of("gpt"), first("anthropic", "overloaded")),
                priority("gpt", List.of(), first("openai", "upstream-gpt")),
                priority("text-only", List.of(), first("openai-text-only", "upstream-gpt")),
                priority("text-only-then-claude", List.of(), first("openai-text-only", "upstream-gpt"), second("anthropic-backup", "claude-sim")),
                priority("stream-overloaded-then-claude", List.of(), first("anthropic", "overloaded-stream"), second("anthropic-backup", "claude-sim")),
                priority("started-overloaded-then-gpt", List.of(), first("anthropic", "overloaded-after-start"), second("openai", "upstream-gpt")),
                priority("midstream-error", List.of(), first("anthropic-midstream", "stream-error")),
                priority("malformed-claude", List.of(), first("anthropic-malformed", "malformed-content")),
                priority("malformed-then-gpt", List.of(), first("anthropic-malformed", "malformed-content"), second("openai", "upstream-gpt")),
                priority("malformed-delta-gpt", List.of(), first("openai", "malformed-delta")));
        PolicySettings settings = new PolicySettings("Priority", new PolicySettings.Retry(0, 10, 50, PolicySettings.RETRY_CONDITIONS),
                new PolicySettings.CircuitBreaker(1_000, null, 60_000, 30_000, 1), 30_000, TestTables.MAX_BODY_BYTES);
        // Open, and the version headers a client writes its Messages request for are forwarded to Anthropic targets.
        AccessRules access = new AccessRules(AccessRules.OPEN, List.of(), null, null, List.of("anthropic-beta", "anthropic-version"), List.of());
        return new RoutingTable(RoutingTable.SCHEMA_VERSION, new RoutingTable.Source("test", "messages-failover"), settings, access,
                providers, models);
    }

    private static ModelRoute priority(String name, List<String> fallbacks, Target... targets) {
        return new ModelRoute(name, List.of(), "Priority", List.of(targets), fallbacks, null);
    }

    private static Target first(String provider, String model) {
        return new Target(provider, model, 1, 0);
    }

    private static Target second(String provider, String model) {
        return new Target(provider, model, 1, 1);
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
