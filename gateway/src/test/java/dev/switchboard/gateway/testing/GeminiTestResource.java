package dev.switchboard.gateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A {@link GeminiSimulator} and Provider/ModelGroup/Secret YAML pointing at it, served in local mode, so every
 * Gemini test goes CR → compiler → routing table → gateway → adapter → simulator. The provider {@code gemini-lite}
 * declares capabilities (no images, no tools, except for its model {@code gemini-vision}); the group {@code mixed}
 * prefers it and has a capable second tier.
 */
public class GeminiTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String KEY = "AIzaSy-test-gemini-key";

    /** Public model name → upstream model of the provider {@code gemini}. */
    public static final Map<String, String> MODELS = Map.ofEntries(
            Map.entry("gemini-chat", "gemini-2.5-flash"),
            Map.entry("gemini-3", "gemini-3-pro-preview"),
            Map.entry("gemini-rate-limited", "rate-limited"),
            Map.entry("gemini-overloaded", "overloaded"),
            Map.entry("gemini-fail", "fail-500"),
            Map.entry("gemini-bad", "bad-request"),
            Map.entry("gemini-forbidden", "forbidden"),
            Map.entry("gemini-missing", "missing"),
            Map.entry("gemini-blocked", "blocked"),
            Map.entry("gemini-unsafe", "unsafe"),
            Map.entry("gemini-cached", "cached"),
            Map.entry("gemini-break", "break-stream"),
            Map.entry("gemini-endless", "endless-stream"),
            Map.entry("gemini-malformed", "malformed"),
            Map.entry("gemini-embedding", "gemini-embedding-001"));

    private static volatile GeminiSimulator simulator;
    private Path sourceDir;

    public static GeminiSimulator simulator() {
        return simulator;
    }

    @Override
    public Map<String, String> start() {
        try {
            simulator = GeminiSimulator.start(0, KEY);
            sourceDir = Files.createTempDirectory("switchboard-gemini-src");
            StringBuilder yaml = new StringBuilder("""
                    apiVersion: v1
                    kind: Secret
                    metadata: {name: gemini-keys, labels: {switchboard.dev/usable: "true"}}
                    stringData: {primary: %s}
                    ---
                    apiVersion: v1
                    kind: Secret
                    metadata: {name: revoked-keys, labels: {switchboard.dev/usable: "true"}}
                    stringData: {old: AIzaSy-revoked}
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: Provider
                    metadata: {name: gemini}
                    spec:
                      type: Gemini
                      endpoint: %s
                      credentials: {secretRef: {name: gemini-keys}}
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: Provider
                    metadata: {name: gemini-revoked}
                    spec:
                      type: Gemini
                      endpoint: %s
                      credentials: {secretRef: {name: revoked-keys}}
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: Provider
                    metadata: {name: gemini-lite}
                    spec:
                      type: Gemini
                      endpoint: %s
                      credentials: {secretRef: {name: gemini-keys}}
                      capabilities:
                        unsupported: [Images, Tools]
                        models:
                        - {model: gemini-vision, unsupported: []}
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: Provider
                    metadata: {name: gemini-impatient}
                    spec:
                      type: Gemini
                      endpoint: %s
                      credentials: {secretRef: {name: gemini-keys}}
                      timeouts: {firstByte: 300ms}
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: ModelGroup
                    metadata: {name: gemini-slow}
                    spec:
                      model: gemini-slow
                      targets: [{provider: gemini-impatient, model: slow-3000}]
                    ---
                    # A 401 quarantines the key for every model of its provider, so the model that answers 401
                    # gets a provider of its own.
                    apiVersion: switchboard.dev/v1alpha1
                    kind: Provider
                    metadata: {name: gemini-unauthenticated}
                    spec:
                      type: Gemini
                      endpoint: %s
                      credentials: {secretRef: {name: gemini-keys}}
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: ModelGroup
                    metadata: {name: gemini-unauthenticated}
                    spec:
                      model: gemini-unauthenticated
                      targets: [{provider: gemini-unauthenticated, model: unauthenticated}]
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: ModelGroup
                    metadata: {name: gemini-revoked}
                    spec:
                      model: gemini-revoked
                      targets: [{provider: gemini-revoked, model: gemini-2.5-flash}]
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: ModelGroup
                    metadata: {name: text-only}
                    spec:
                      model: text-only
                      targets: [{provider: gemini-lite, model: gemini-lite}]
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: ModelGroup
                    metadata: {name: vision}
                    spec:
                      model: vision
                      targets: [{provider: gemini-lite, model: gemini-vision}]
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: ModelGroup
                    metadata: {name: mixed}
                    spec:
                      model: mixed
                      strategy: Priority
                      targets:
                      - {provider: gemini-lite, model: gemini-lite, priority: 0}
                      - {provider: gemini, model: gemini-2.5-flash, priority: 1}
                    """.formatted(KEY, simulator.endpoint(), simulator.endpoint(), simulator.endpoint(), simulator.endpoint(), simulator.endpoint()));
            for (Map.Entry<String, String> model : MODELS.entrySet()) {
                yaml.append("""
                        ---
                        apiVersion: switchboard.dev/v1alpha1
                        kind: ModelGroup
                        metadata: {name: %s}
                        spec:
                          model: %s
                          targets: [{provider: gemini, model: %s}]
                        """.formatted(model.getKey(), model.getKey(), model.getValue()));
            }
            Files.writeString(sourceDir.resolve("gemini.yaml"), yaml);
            return Map.of("switchboard.local.dir", sourceDir.toString(), "switchboard.reload.poll-interval-ms", "200");
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the Gemini simulator", e);
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
