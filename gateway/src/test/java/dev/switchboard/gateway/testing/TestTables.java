package dev.switchboard.gateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.ModelRoute.Target;
import dev.switchboard.routing.PolicySettings;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.RoutingTableCodec;
import dev.switchboard.routing.SecretFile;
import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Simulation;
import dev.switchboard.routing.UpstreamProvider.Timeouts;

/** Routing tables for tests, pointing at an {@link OpenAiSimulator} and the in-process Simulated provider. */
public final class TestTables {

    public static final int MAX_BODY_BYTES = 64 * 1024;
    public static final String KEY_A = "sk-test-key-a";
    public static final String KEY_B = "sk-test-key-b";

    private TestTables() {
    }

    public static PolicySettings settings() {
        return new PolicySettings("Weighted", new PolicySettings.Retry(0, 0, 0, List.of()),
                new PolicySettings.CircuitBreaker(5, null, 60_000, 30_000, 1), 60_000, MAX_BODY_BYTES);
    }

    public static UpstreamProvider openAi(String name, String baseUrl, List<SecretFile> keys, long firstByteMs) {
        return new UpstreamProvider(name, "OpenAI", baseUrl, null, Map.of("x-team", "platform"),
                new Timeouts(2_000, firstByteMs, 30_000, 60_000), null, null, keys, null);
    }

    public static UpstreamProvider simulated(String name) {
        return new UpstreamProvider(name, "Simulated", null, null, null,
                new Timeouts(2_000, 30_000, 30_000, 60_000), null, null, null, new Simulation(0, 0, 0, 503));
    }

    public static ModelRoute route(String name, String strategy, Target... targets) {
        return new ModelRoute(name, List.of(), strategy, List.of(targets), List.of(), null);
    }

    public static Target target(String provider, String model) {
        return new Target(provider, model, 1, 0);
    }

    /** The table most tests use; secrets are written into secretDir. */
    public static RoutingTable standard(String simulatorUrl, Path secretDir) throws IOException {
        List<SecretFile> keys = writeKeys(secretDir);
        List<ModelRoute> models = new ArrayList<>();
        models.add(new ModelRoute("gpt-4o", List.of("gpt-4o-latest"), "Weighted",
                List.of(target("sim-openai", "upstream-gpt-4o")), List.of(), null));
        models.add(route("text-embedding", "Weighted", target("sim-openai", "upstream-embedding")));
        models.add(route("chat-sim", "Weighted", target("simulated", "sim-model")));
        models.add(route("rate-limited", "Weighted", target("sim-openai", "rate-limited")));
        models.add(route("fail-500", "Weighted", target("sim-openai", "fail-500")));
        // Its own provider: the refused keys are quarantined for the whole provider.
        models.add(route("bad-key", "Weighted", target("sim-badkey", "unauthorized")));
        models.add(route("broken-stream", "Weighted", target("sim-openai", "break-stream")));
        models.add(route("endless-stream", "Weighted", target("sim-openai", "endless-stream")));
        models.add(route("slow", "Weighted", target("sim-impatient", "slow-2000")));
        models.add(route("endless-short", "Weighted", target("sim-short", "endless-stream")));
        models.add(route("unreachable", "Weighted", target("sim-down", "any")));
        models.add(route("flaky", "Weighted", target("simulated-flaky", "sim-model")));
        models.add(route("org/model-x", "Weighted", target("simulated", "sim-model")));
        models.add(route("weighted", "Weighted", new Target("sim-a", "upstream-a", 3, 0), new Target("sim-b", "upstream-b", 1, 0)));
        models.add(route("priority", "Priority", new Target("sim-a", "upstream-a", 1, 1), new Target("sim-b", "upstream-b", 1, 0)));
        List<UpstreamProvider> providers = List.of(
                openAi("sim-openai", simulatorUrl, keys, 30_000),
                openAi("sim-a", simulatorUrl, keys, 30_000),
                openAi("sim-badkey", simulatorUrl, keys, 30_000),
                openAi("sim-b", simulatorUrl, keys, 30_000),
                openAi("sim-impatient", simulatorUrl, keys, 300),
                new UpstreamProvider("sim-short", "OpenAI", simulatorUrl, null, null, new Timeouts(2_000, 30_000, 30_000, 500),
                        null, null, keys, null),
                // Port 1 is privileged and unused on test machines: connections are refused at once.
                openAi("sim-down", "http://127.0.0.1:1/v1", keys, 30_000),
                simulated("simulated"),
                new UpstreamProvider("simulated-flaky", "Simulated", null, null, null, new Timeouts(2_000, 30_000, 30_000, 60_000),
                        null, null, null, new Simulation(0, 0, 1.0, 429)));
        return new RoutingTable(RoutingTable.SCHEMA_VERSION, new RoutingTable.Source("test", "gateway"), settings(), null,
                providers, models);
    }

    public static List<SecretFile> writeKeys(Path secretDir) throws IOException {
        Files.createDirectories(secretDir);
        Files.writeString(secretDir.resolve("key-a"), KEY_A + "\n");
        Files.writeString(secretDir.resolve("key-b"), KEY_B);
        return List.of(new SecretFile("openai-keys", "key-a", secretDir.resolve("key-a").toString()),
                new SecretFile("openai-keys", "key-b", secretDir.resolve("key-b").toString()));
    }

    public static void write(RoutingTable table, Path routingDir) throws IOException {
        Files.createDirectories(routingDir);
        Path tmp = routingDir.resolve(".routing.json.tmp");
        Files.write(tmp, RoutingTableCodec.toJson(table));
        Files.move(tmp, routingDir.resolve("routing.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
