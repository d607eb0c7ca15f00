package dev.switchboard.gateway.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.ModelRoute.Target;
import dev.switchboard.routing.PolicySettings;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.SecretFile;
import dev.switchboard.routing.UpstreamProvider;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A traced gateway: an OpenAI simulator, a loopback OTLP receiver, and a table whose tracing exports to it at 100%
 * sampling. Model {@code traced} puts a target answering 500 before a healthy one (Priority), so a request fails over
 * once; {@code plain} has only the healthy one. Tests rewrite the table through {@link #write} to reload other settings.
 */
public class TracingTestResource implements QuarkusTestResourceLifecycleManager {

    private static volatile OpenAiSimulator simulator;
    private static volatile OtlpReceiver receiver;
    private static volatile Path root;
    private static volatile List<SecretFile> keys;

    public static OpenAiSimulator simulator() {
        return simulator;
    }

    public static OtlpReceiver receiver() {
        return receiver;
    }

    @Override
    public Map<String, String> start() {
        try {
            simulator = OpenAiSimulator.start(0);
            receiver = OtlpReceiver.start(0);
            root = Files.createTempDirectory("switchboard-tracing-test");
            keys = TestTables.writeKeys(root.resolve("secrets"));
            write(tracing(false));
            return Map.of("switchboard.routing.dir", root.resolve("routing").toString(),
                    "switchboard.reload.poll-interval-ms", "100",
                    // Spans leave at once rather than in the production batch interval.
                    "switchboard.tracing.batch-delay-ms", "50");
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the traced gateway's surroundings", e);
        }
    }

    @Override
    public void stop() {
        try {
            simulator.close();
            receiver.close();
            TempDirs.delete(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Tracing to the receiver, every trace sampled; prompts and completions only when {@code recordContent}. */
    public static PolicySettings.Tracing tracing(boolean recordContent) {
        return new PolicySettings.Tracing(receiver.endpoint(), "HttpProtobuf", 1.0,
                Map.of("service.name", "switchboard-gateway", "switchboard.policy", "gateway", "k8s.namespace.name", "test"), recordContent);
    }

    /** Serves the table with these tracing settings (null: no tracing); the gateway picks it up within its poll interval. */
    public static void write(PolicySettings.Tracing tracing) throws IOException {
        PolicySettings settings = new PolicySettings("Priority", new PolicySettings.Retry(1, 10, 50, PolicySettings.RETRY_CONDITIONS),
                new PolicySettings.CircuitBreaker(50, null, 60_000, 30_000, 1), 20_000, TestTables.MAX_BODY_BYTES, null, null, tracing);
        List<UpstreamProvider> providers = List.of(
                TestTables.openAi("failing", simulator.baseUrl(), keys, 5_000),
                TestTables.openAi("healthy", simulator.baseUrl(), keys, 5_000));
        List<ModelRoute> models = List.of(
                new ModelRoute("traced", List.of(), "Priority",
                        List.of(new Target("failing", "fail-500~traced", 1, 0), new Target("healthy", "cached~traced", 1, 1)), List.of(), null),
                TestTables.route("plain", "Weighted", TestTables.target("healthy", "ok~plain")));
        TestTables.write(new RoutingTable(RoutingTable.SCHEMA_VERSION, new RoutingTable.Source("test", "gateway"), settings, null,
                providers, models), root.resolve("routing"));
    }
}
