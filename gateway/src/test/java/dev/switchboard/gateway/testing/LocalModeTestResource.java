package dev.switchboard.gateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A copy of the repository's samples/local, plus a Provider that calls an {@link OpenAiSimulator} with a key
 * from a Secret YAML and two Simulated providers slower than their own timeouts, served in local mode
 * (switchboard.local.dir), as `switchboard run -f` does.
 */
public class LocalModeTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String LOCAL_KEY = "sk-local-secret";

    private static volatile OpenAiSimulator simulator;
    private static volatile Path sourceDir;

    public static OpenAiSimulator simulator() {
        return simulator;
    }

    public static Path sourceDir() {
        return sourceDir;
    }

    @Override
    public Map<String, String> start() {
        try {
            simulator = OpenAiSimulator.start(0);
            sourceDir = Files.createTempDirectory("switchboard-local-src");
            Path samples = Path.of(System.getProperty("switchboard.repo.root", "..")).resolve("samples/local");
            try (Stream<Path> files = Files.list(samples)) {
                for (Path file : files.toList()) {
                    Files.copy(file, sourceDir.resolve(file.getFileName()));
                }
            }
            Files.writeString(sourceDir.resolve("upstream.yaml"), """
                    apiVersion: switchboard.dev/v1alpha1
                    kind: Provider
                    metadata:
                      name: echo-upstream
                    spec:
                      type: OpenAICompatible
                      endpoint: %s
                      credentials:
                        secretRef: {name: echo-keys}
                    ---
                    apiVersion: v1
                    kind: Secret
                    metadata:
                      name: echo-keys
                      labels: {switchboard.dev/usable: "true"}
                    stringData:
                      only: %s
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: ModelGroup
                    metadata:
                      name: echo
                    spec:
                      model: echo
                      targets:
                      - {provider: echo-upstream, model: upstream-echo}
                    """.formatted(simulator.baseUrl(), LOCAL_KEY));
            Files.writeString(sourceDir.resolve("impatient.yaml"), """
                    # Simulated providers slower than their own timeouts: one before its first byte, one between chunks.
                    apiVersion: switchboard.dev/v1alpha1
                    kind: Provider
                    metadata:
                      name: sim-late
                    spec:
                      type: Simulated
                      simulation: {latency: 5s}
                      timeouts: {firstByte: 300ms}
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: Provider
                    metadata:
                      name: sim-halting
                    spec:
                      type: Simulated
                      simulation: {tokensPerSecond: 1}
                      timeouts: {idle: 300ms}
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: ModelGroup
                    metadata:
                      name: late
                    spec:
                      model: late
                      targets:
                      - {provider: sim-late, model: sim-late}
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: ModelGroup
                    metadata:
                      name: halting
                    spec:
                      model: halting
                      targets:
                      - {provider: sim-halting, model: sim-halting}
                    """);
            return Map.of("switchboard.local.dir", sourceDir.toString(), "switchboard.reload.poll-interval-ms", "200");
        } catch (Exception e) {
            throw new IllegalStateException("cannot prepare the local resources", e);
        }
    }

    @Override
    public void stop() {
        try {
            simulator.close();
            TempDirs.delete(sourceDir);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
