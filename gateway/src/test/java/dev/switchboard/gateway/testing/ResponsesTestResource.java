package dev.switchboard.gateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 * A simulator of every provider type behind one gateway, for /v1/responses: model {@code resp-<type>} is served by the
 * provider of that type ({@link #TYPES}), OpenAI and Azure OpenAI untranslated, the others through chat. Priority
 * groups fail over on server errors ({@code resp-failover}: an OpenAI target that answers 500, then an Anthropic one;
 * {@code resp-failover-translated}: an Anthropic target that answers 500, then an OpenAI one); {@code resp-mixed} has an
 * Anthropic target first and an OpenAI one second; {@code resp-anthropic-break} breaks its stream after some content;
 * {@code resp-openai-cached} reports cached input tokens. Clients present
 * {@link #CLIENT_KEY}.
 */
public class ResponsesTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String CLIENT_KEY = "sk-client-responses";
    /** The provider types, as the models' suffixes name them. */
    public static final List<String> TYPES = List.of("openai", "azure", "anthropic", "gemini", "ollama", "simulated");
    public static final String AZURE_KEY = "azure-responses-key";
    public static final String AZURE_DEPLOYMENT = "gpt-4o-eu";

    private static volatile OpenAiSimulator openAi;
    private static volatile AzureOpenAiSimulator azure;
    private static volatile AnthropicSimulator anthropic;
    private static volatile GeminiSimulator gemini;
    private static volatile OllamaSimulator ollama;
    private Path root;

    public static OpenAiSimulator openAi() {
        return openAi;
    }

    public static AzureOpenAiSimulator azure() {
        return azure;
    }

    public static AnthropicSimulator anthropic() {
        return anthropic;
    }

    /** After the module's global resource (order 0), so this table's directory is the one the gateway watches. */
    @Override
    public int order() {
        return 100;
    }

    @Override
    public Map<String, String> start() {
        try {
            openAi = OpenAiSimulator.start(0);
            azure = AzureOpenAiSimulator.start(0, AZURE_KEY, Set.of(AZURE_DEPLOYMENT));
            anthropic = AnthropicSimulator.start(0);
            gemini = GeminiSimulator.start(0, GeminiTestResource.KEY);
            ollama = OllamaSimulator.start(0);
            root = Files.createTempDirectory("switchboard-responses-test");
            TestTables.write(table(root.resolve("secrets")), root.resolve("routing"));
            return Map.of("switchboard.routing.dir", root.resolve("routing").toString(), "switchboard.reload.poll-interval-ms", "200");
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test upstreams", e);
        }
    }

    private static List<SecretFile> key(Path secrets, String name, String value) throws java.io.IOException {
        Files.createDirectories(secrets);
        Files.writeString(secrets.resolve(name), value);
        return List.of(new SecretFile(name, "key", secrets.resolve(name).toString()));
    }

    private static UpstreamProvider provider(String name, String type, String endpoint, String apiVersion, List<SecretFile> keys) {
        return new UpstreamProvider(name, type, endpoint, apiVersion, null, new Timeouts(2_000, 30_000, 30_000, 60_000), null, null, keys, null);
    }

    private static RoutingTable table(Path secrets) throws java.io.IOException {
        List<SecretFile> keys = TestTables.writeKeys(secrets);
        List<UpstreamProvider> providers = List.of(
                provider("openai", "OpenAI", openAi.baseUrl(), null, keys),
                provider("azure", "AzureOpenAI", azure.baseUrl(), "2024-10-21", key(secrets, "azure", AZURE_KEY)),
                provider("anthropic", "Anthropic", anthropic.baseUrl(), null, keys),
                provider("gemini", "Gemini", gemini.baseUrl(), null, key(secrets, "gemini", GeminiTestResource.KEY)),
                provider("ollama", "Ollama", ollama.baseUrl(), null, null),
                TestTables.simulated("simulated"),
                provider("openai-failing", "OpenAI", openAi.baseUrl(), null, keys),
                provider("anthropic-failing", "Anthropic", anthropic.baseUrl(), null, keys));
        List<ModelRoute> models = new ArrayList<>();
        models.add(route("resp-openai", first("openai", "gpt-sim")));
        models.add(route("resp-azure", first("azure", AZURE_DEPLOYMENT)));
        models.add(route("resp-anthropic", first("anthropic", "claude-sim")));
        models.add(route("resp-gemini", first("gemini", "gemini-2.5-flash")));
        models.add(route("resp-ollama", first("ollama", "llama3.1:8b")));
        models.add(route("resp-simulated", first("simulated", "sim-model")));
        models.add(route("resp-failover", first("openai-failing", "fail-500"), second("anthropic", "claude-sim")));
        models.add(route("resp-failover-translated", first("anthropic-failing", "fail-500"), second("openai", "gpt-sim")));
        models.add(route("resp-mixed", first("anthropic", "claude-sim"), second("openai", "gpt-sim")));
        models.add(route("resp-anthropic-break", first("anthropic", "break-stream")));
        models.add(route("resp-openai-cached", first("openai", "cached-gpt")));
        Files.writeString(secrets.resolve("client"), CLIENT_KEY);
        AccessRules access = new AccessRules(AccessRules.API_KEYS, List.of(new AccessRules.ClientRule("responses-tests", null,
                new SecretFile("clients", "client", secrets.resolve("client").toString()), List.of(), null, null, null)),
                null, null, List.of(), List.of());
        PolicySettings settings = new PolicySettings("Priority", new PolicySettings.Retry(0, 10, 50, PolicySettings.RETRY_CONDITIONS),
                new PolicySettings.CircuitBreaker(1_000, null, 60_000, 30_000, 1), 30_000, TestTables.MAX_BODY_BYTES);
        return new RoutingTable(RoutingTable.SCHEMA_VERSION, new RoutingTable.Source("test", "responses"), settings, access, providers, models);
    }

    private static ModelRoute route(String name, Target... targets) {
        return new ModelRoute(name, List.of(), "Priority", List.of(targets), List.of(), null);
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
            openAi.close();
            azure.close();
            anthropic.close();
            gemini.close();
            ollama.close();
            TempDirs.delete(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
