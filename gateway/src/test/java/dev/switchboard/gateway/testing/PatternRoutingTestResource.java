package dev.switchboard.gateway.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Pattern ModelGroups and provider name rules, written as the resources a user writes and served in local mode (the
 * shared compiler, then the gateway's reload path), against an {@link AnthropicSimulator} and an {@link OpenAiSimulator}:
 * <ul>
 * <li>{@code anthropic/*}: the Anthropic provider, prefix stripped; its models are known ({@code spec.models}), so
 * other names are refused before any call; priced per glob;</li>
 * <li>{@code anthropic/claude-pinned}: an exact group on the OpenAI simulator, which wins over the pattern;</li>
 * <li>{@code raw/*}: the Anthropic provider again, prefix stripped, no model list: every name goes upstream;</li>
 * <li>{@code flaky/*}: as {@code raw/*}, falling back to {@code gpt-4o};</li>
 * <li>{@code gpt-4o}: an aggregate over two providers of the OpenAI simulator that spell it differently
 * ({@code gpt-4o-2024-08-06} and {@code openai/gpt-4o}), made one by their name rules.</li>
 * </ul>
 * Clients: {@link #KEY} may use everything, {@link #LIMITED_KEY} only {@code anthropic/claude-s*} and {@code raw/?}, two
 * requests a minute.
 */
public class PatternRoutingTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String KEY = "sk-pattern-all";
    public static final String LIMITED_KEY = "sk-pattern-limited";

    private static volatile AnthropicSimulator anthropic;
    private static volatile OpenAiSimulator openAi;
    private Path sourceDir;

    public static AnthropicSimulator anthropic() {
        return anthropic;
    }

    public static OpenAiSimulator openAi() {
        return openAi;
    }

    @Override
    public int order() {
        return 100;
    }

    @Override
    public Map<String, String> start() {
        try {
            anthropic = AnthropicSimulator.start(0);
            openAi = OpenAiSimulator.start(0);
            sourceDir = Files.createTempDirectory("switchboard-pattern-src");
            Files.writeString(sourceDir.resolve("policy.yaml"), """
                    apiVersion: switchboard.dev/v1alpha1
                    kind: RoutingPolicy
                    metadata: {name: patterns}
                    spec:
                      access:
                        mode: ApiKeys
                        clients:
                        - {name: everything, keyRef: {name: client-keys, key: all}}
                        - name: limited
                          keyRef: {name: client-keys, key: limited}
                          models: ['anthropic/claude-s*', 'raw/?']
                          limits: {requestsPerMinute: 2}
                    ---
                    apiVersion: v1
                    kind: Secret
                    metadata:
                      name: client-keys
                      labels: {switchboard.dev/usable: "true"}
                    stringData: {all: %s, limited: %s}
                    ---
                    apiVersion: v1
                    kind: Secret
                    metadata:
                      name: upstream-keys
                      labels: {switchboard.dev/usable: "true"}
                    stringData: {only: sk-upstream}
                    """.formatted(KEY, LIMITED_KEY));
            Files.writeString(sourceDir.resolve("providers.yaml"), """
                    apiVersion: switchboard.dev/v1alpha1
                    kind: Provider
                    metadata: {name: anthropic}
                    spec:
                      type: Anthropic
                      endpoint: %1$s
                      credentials: {secretRef: {name: upstream-keys}}
                      models: [claude-sim, claude-sonnet]
                      pricing:
                      - {model: 'claude-*', inputPerMillion: 1000, outputPerMillion: 2000}
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: Provider
                    metadata: {name: anthropic-unlisted}
                    spec:
                      type: Anthropic
                      endpoint: %1$s
                      credentials: {secretRef: {name: upstream-keys}}
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: Provider
                    metadata: {name: openai-plain}
                    spec:
                      type: OpenAICompatible
                      endpoint: %2$s
                      credentials: {secretRef: {name: upstream-keys}}
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: Provider
                    metadata: {name: openai-dated, labels: {family: gpt}}
                    spec:
                      type: OpenAICompatible
                      endpoint: %2$s
                      credentials: {secretRef: {name: upstream-keys}}
                      models: [gpt-4o-2024-08-06]
                      modelNames:
                      - {upstream: gpt-4o-2024-08-06, canonical: gpt-4o}
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: Provider
                    metadata: {name: openai-prefixed, labels: {family: gpt}}
                    spec:
                      type: OpenAICompatible
                      endpoint: %2$s
                      credentials: {secretRef: {name: upstream-keys}}
                      models: [openai/gpt-4o]
                      modelNames:
                      - {upstream: 'openai/*', canonical: '{1}'}
                    """.formatted(anthropic.baseUrl(), openAi.baseUrl()));
            Files.writeString(sourceDir.resolve("modelgroups.yaml"), """
                    apiVersion: switchboard.dev/v1alpha1
                    kind: ModelGroup
                    metadata: {name: anthropic-all}
                    spec:
                      modelPattern: 'anthropic/*'
                      targets:
                      - {provider: anthropic, model: '{1}'}
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: ModelGroup
                    metadata: {name: pinned}
                    spec:
                      model: anthropic/claude-pinned
                      targets:
                      - {provider: openai-plain, model: pinned-upstream}
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: ModelGroup
                    metadata: {name: raw}
                    spec:
                      modelPattern: 'raw/*'
                      targets:
                      - {provider: anthropic-unlisted, model: '{1}'}
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: ModelGroup
                    metadata: {name: flaky}
                    spec:
                      modelPattern: 'flaky/*'
                      targets:
                      - {provider: anthropic-unlisted, model: '{1}'}
                      fallbacks: [gpt-4o]
                    ---
                    apiVersion: switchboard.dev/v1alpha1
                    kind: ModelGroup
                    metadata: {name: gpt-4o}
                    spec:
                      model: gpt-4o
                      strategy: RoundRobin
                      aggregate:
                        providerSelector: {matchLabels: {family: gpt}}
                    """);
            return Map.of("switchboard.local.dir", sourceDir.toString(), "switchboard.reload.poll-interval-ms", "200");
        } catch (Exception e) {
            throw new IllegalStateException("cannot prepare the pattern resources", e);
        }
    }

    @Override
    public void stop() {
        try {
            anthropic.close();
            openAi.close();
            TempDirs.delete(sourceDir);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
