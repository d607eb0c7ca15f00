package dev.switchboard.gateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.SecretFile;
import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * An {@link OllamaSimulator} and an {@link AzureOpenAiSimulator} behind a gateway whose table routes public model
 * names to them: {@code llama*} to Ollama, {@code azure*} to Azure (see {@link #table}).
 */
public class OllamaAzureTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String AZURE_KEY = "azure-test-key-0123456789";
    public static final String OLLAMA_PROXY_KEY = "ollama-proxy-token";
    /** A deployment name that must be URL-encoded in the path. */
    public static final String AZURE_DEPLOYMENT = "gpt-4o prod";

    private static volatile OllamaSimulator ollama;
    private static volatile AzureOpenAiSimulator azure;
    private Path root;

    public static OllamaSimulator ollama() {
        return ollama;
    }

    public static AzureOpenAiSimulator azure() {
        return azure;
    }

    @Override
    public Map<String, String> start() {
        try {
            ollama = OllamaSimulator.start(0);
            azure = AzureOpenAiSimulator.start(0, AZURE_KEY, Set.of(AZURE_DEPLOYMENT, "embed-small", "instruct"));
            root = Files.createTempDirectory("switchboard-ollama-azure-test");
            Path routingDir = root.resolve("routing");
            TestTables.write(table(root.resolve("secrets")), routingDir);
            return Map.of("switchboard.routing.dir", routingDir.toString(), "switchboard.reload.poll-interval-ms", "200");
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the test upstreams", e);
        }
    }

    private static List<SecretFile> key(Path secretDir, String name, String value) throws java.io.IOException {
        Files.createDirectories(secretDir);
        Files.writeString(secretDir.resolve(name), value);
        return List.of(new SecretFile(name, "key", secretDir.resolve(name).toString()));
    }

    private static UpstreamProvider provider(String name, String type, String endpoint, String apiVersion, List<SecretFile> keys,
            long totalMs) {
        return new UpstreamProvider(name, type, endpoint, apiVersion, null, new Timeouts(2_000, 30_000, 30_000, totalMs), null, null,
                keys, null);
    }

    static RoutingTable table(Path secretDir) throws java.io.IOException {
        List<SecretFile> azureKey = key(secretDir, "azure", AZURE_KEY);
        List<UpstreamProvider> providers = List.of(
                provider("ollama-local", "Ollama", ollama.baseUrl(), null, null, 60_000),
                // Written the way Ollama's OpenAI-compatible API used to be configured, behind a token-checking proxy.
                provider("ollama-proxied", "Ollama", ollama.baseUrl() + "/v1/", null, key(secretDir, "ollama", OLLAMA_PROXY_KEY), 60_000),
                provider("ollama-short", "Ollama", ollama.baseUrl(), null, null, 500),
                provider("azure-eu", "AzureOpenAI", azure.baseUrl(), "2024-10-21", azureKey, 60_000),
                provider("azure-wrong-key", "AzureOpenAI", azure.baseUrl(), "2024-10-21", key(secretDir, "wrong", "not-the-key"), 60_000),
                provider("azure-old-version", "AzureOpenAI", azure.baseUrl(), "2022-12-01", azureKey, 60_000));
        List<ModelRoute> models = new ArrayList<>();
        models.add(TestTables.route("llama", "Weighted", TestTables.target("ollama-local", "llama3.1:8b")));
        models.add(TestTables.route("llama-proxied", "Weighted", TestTables.target("ollama-proxied", "llama3.1:8b")));
        models.add(TestTables.route("llama-embed", "Weighted", TestTables.target("ollama-local", "nomic-embed-text")));
        for (String behaviour : List.of("missing-model", "busy", "fail-500", "break-stream", "stream-error", "endless-stream", "malformed")) {
            models.add(TestTables.route("llama-" + behaviour, "Weighted", TestTables.target("ollama-local", behaviour)));
        }
        models.add(TestTables.route("llama-endless-short", "Weighted", TestTables.target("ollama-short", "endless-stream")));
        models.add(TestTables.route("azure", "Weighted", TestTables.target("azure-eu", AZURE_DEPLOYMENT)));
        models.add(TestTables.route("azure-embed", "Weighted", TestTables.target("azure-eu", "embed-small")));
        models.add(TestTables.route("azure-instruct", "Weighted", TestTables.target("azure-eu", "instruct")));
        for (String behaviour : List.of("throttled", "throttled-seconds", "filtered", "fail-500", "overloaded")) {
            models.add(TestTables.route("azure-" + behaviour, "Weighted", TestTables.target("azure-eu", behaviour)));
        }
        models.add(TestTables.route("azure-missing", "Weighted", TestTables.target("azure-eu", "no-such-deployment")));
        models.add(TestTables.route("azure-wrong-key", "Weighted", TestTables.target("azure-wrong-key", AZURE_DEPLOYMENT)));
        models.add(TestTables.route("azure-old-version", "Weighted", TestTables.target("azure-old-version", AZURE_DEPLOYMENT)));
        return new RoutingTable(RoutingTable.SCHEMA_VERSION, new RoutingTable.Source("test", "ollama-azure"), TestTables.settings(),
                null, providers, models);
    }

    /** After the module's global resource (order 0), so this table's directory is the one the gateway watches. */
    @Override
    public int order() {
        return 100;
    }

    @Override
    public void stop() {
        try {
            ollama.close();
            azure.close();
            TempDirs.delete(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
