package dev.switchboard.compiler;

import static dev.switchboard.compiler.Fixtures.group;
import static dev.switchboard.compiler.Fixtures.policy;
import static dev.switchboard.compiler.Fixtures.provider;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.routing.RoutingTableCodec;

/** Inputs in any order give byte-identical JSON, the same hash and the same problems. */
class DeterminismTest {

    private static final long SEED = 20261122L;
    private static final int ROUNDS = 100;

    /** A rich input: every order-sensitive part (maps, sets, lists of resources, secret keys) appears. */
    private static CompilerInput shuffledInput(Random random) {
        List<Provider> providers = new ArrayList<>(List.of(
                provider("openai", "{tier: hosted}", "{type: OpenAI, credentials: {secretRef: {name: openai-keys}}, "
                        + "headers: " + shuffledMap(random, "x-team", "a", "openai-organization", "org-1", "x-b", "b") + ", "
                        + "models: [gpt-4o, gpt-4o-mini], pricing: [{model: gpt-4o-mini, inputPerMillion: 0.15, outputPerMillion: 0.6}, "
                        + "{model: gpt-4o, inputPerMillion: 2.5, outputPerMillion: 10}]}"),
                provider("anthropic", "{tier: hosted}", "{type: Anthropic, credentials: {secretRef: {name: anthropic-keys, keys: [second, first]}}, "
                        + "models: [claude-sonnet-4-5]}"),
                provider("ollama-a", "{tier: local}", "{type: Ollama, endpoint: 'http://ollama-a:11434/', models: ['llama3.1:8b']}"),
                provider("ollama-b", "{tier: local}", "{type: Ollama, endpoint: 'http://ollama-b:11434', models: ['llama3.1:8b']}"),
                provider("broken", "{}", "{type: Gemini}"),
                provider("sim", "{tier: local}", "{type: Simulated, simulation: {latency: 20ms, failureRate: 0.1}}")));
        List<ModelGroup> groups = new ArrayList<>(List.of(
                group("chat", "{model: chat, aliases: [smart, gpt-4o-latest], strategy: Priority, targets: [{provider: openai, model: gpt-4o, weight: 3}, "
                        + "{provider: anthropic, model: claude-sonnet-4-5}, {provider: sim, priority: 1}, {provider: broken}], fallbacks: [local, nowhere]}"),
                group("local", "{model: local, aggregate: {providerSelector: {matchLabels: {tier: local}}, model: 'llama3.1:8b', weight: 2}}"),
                group("mini", "{model: mini, strategy: LowestCost, targets: [{provider: openai, model: gpt-4o-mini}]}"),
                group("mini-copy", "{model: mini, targets: [{provider: sim}]}"),
                group("loop-a", "{model: loop-a, targets: [{provider: sim}], fallbacks: [loop-b]}"),
                group("loop-b", "{model: loop-b, aliases: [smart], targets: [{provider: sim}], fallbacks: [loop-a]}")));
        Collections.shuffle(providers, random);
        Collections.shuffle(groups, random);

        var policy = policy("{modelGroupSelector: {}, defaults: {strategy: Weighted, retry: {retryOn: [Timeout, RateLimited]}}, access: {mode: ApiKeys, clients: ["
                + "{name: search, team: search, keyRef: {name: client-keys, key: search}, models: ['chat*', local, 'chat*'], labels: "
                + shuffledMap(random, "cost-center", "42", "app", "search", "env", "prod") + "}, "
                + "{name: bot, keyRef: {name: client-keys, key: bot}, budget: {perDay: 5}}]}}");

        List<Map.Entry<String, List<String>>> secrets = new ArrayList<>(List.of(
                Map.entry("openai-keys", new ArrayList<>(List.of("key-1", "key-2", "key-3"))),
                Map.entry("anthropic-keys", new ArrayList<>(List.of("first", "second"))),
                Map.entry("client-keys", new ArrayList<>(List.of("search", "bot", "unused")))));
        Collections.shuffle(secrets, random);
        Map<String, Set<String>> index = new LinkedHashMap<>();
        for (var secret : secrets) {
            Collections.shuffle(secret.getValue(), random);
            index.put(secret.getKey(), new LinkedHashSet<>(secret.getValue()));
        }
        return new CompilerInput(policy, providers, groups, SecretIndex.of(index), null);
    }

    private static String shuffledMap(Random random, String... keyValues) {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            entries.add(keyValues[i] + ": '" + keyValues[i + 1] + "'");
        }
        Collections.shuffle(entries, random);
        return "{" + String.join(", ", entries) + "}";
    }

    @Test
    void shuffledInputsGiveIdenticalBytesHashAndProblems() throws Exception {
        Random random = new Random(SEED);
        Compilation first = RoutingCompiler.compile(shuffledInput(random));
        assertThat(first.table().models()).as("the input compiles to something worth comparing").hasSizeGreaterThanOrEqualTo(3);
        assertThat(first.problems()).as("and exercises the problem paths").hasSizeGreaterThanOrEqualTo(5);
        assertThat(first.table().validate()).isEmpty();

        for (int round = 0; round < ROUNDS; round++) {
            Compilation again = RoutingCompiler.compile(shuffledInput(random));
            assertThat(again.json()).as("round %d", round).isEqualTo(first.json());
            assertThat(again.hash()).isEqualTo(first.hash());
            assertThat(again.problems()).isEqualTo(first.problems());
        }
    }

    @Test
    void hashIsTheSha256OfTheBytes() throws Exception {
        Compilation c = RoutingCompiler.compile(shuffledInput(new Random(SEED)));
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.json()));
        assertThat(c.hash()).isEqualTo(expected).hasSize(64).matches("[0-9a-f]{64}");
    }

    @Test
    void jsonRoundTripsToTheSameTableAndBytes() throws Exception {
        Compilation c = RoutingCompiler.compile(shuffledInput(new Random(SEED)));
        var parsed = RoutingTableCodec.fromJson(c.json());
        assertThat(parsed).isEqualTo(c.table());
        assertThat(RoutingTableCodec.toJson(parsed)).isEqualTo(c.json());
        String text = new String(c.json(), StandardCharsets.UTF_8);
        assertThat(text).endsWith("}\n").startsWith("{\n  \"schemaVersion\" : 1,");
    }

    @Test
    void differentInputsGiveDifferentHashes() {
        Compilation a = RoutingCompiler.compile(shuffledInput(new Random(SEED)));
        CompilerInput input = shuffledInput(new Random(SEED));
        var changed = new CompilerInput(input.policy(), input.providers(), input.modelGroups().stream()
                .filter(g -> !g.getMetadata().getName().equals("mini")).toList(), input.secrets(), input.secretRoot());
        Compilation b = RoutingCompiler.compile(changed);
        assertThat(b.hash()).isNotEqualTo(a.hash());
    }
}
