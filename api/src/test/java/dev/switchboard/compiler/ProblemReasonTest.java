package dev.switchboard.compiler;

import static dev.switchboard.compiler.Fixtures.group;
import static dev.switchboard.compiler.Fixtures.input;
import static dev.switchboard.compiler.Fixtures.modelNames;
import static dev.switchboard.compiler.Fixtures.policy;
import static dev.switchboard.compiler.Fixtures.provider;
import static dev.switchboard.compiler.Fixtures.ref;
import static dev.switchboard.compiler.Fixtures.secrets;
import static dev.switchboard.compiler.Fixtures.simpleGroup;
import static dev.switchboard.compiler.Fixtures.simulated;
import static dev.switchboard.compiler.Fixtures.targetsOf;
import static dev.switchboard.compiler.Problem.Severity.Error;
import static dev.switchboard.compiler.Problem.Severity.Warning;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.routing.ModelRoute;

/**
 * One test per {@link ProblemReason}: the problem names resource, field, reason and severity, and the table
 * shows the effect (Error: the resource is left out; Warning: the part is dropped), while the rest compiles.
 */
class ProblemReasonTest {

    /** Asserts the complete problem list, so an unexpected extra problem fails the test too. */
    private static void assertProblems(Compilation compilation, Tuple... expected) {
        assertThat(compilation.problems())
                .extracting(Problem::resource, Problem::field, Problem::reason, Problem::severity)
                .containsExactlyInAnyOrder(expected);
        assertThat(compilation.problems()).allSatisfy(p -> assertThat(p.message()).isNotBlank());
    }

    /** A new reason code without a test named after it (unknownProvider, fallbackCycle...) fails here. */
    @Test
    void everyReasonHasATestNamedAfterIt() {
        Set<String> tests = Arrays.stream(ProblemReasonTest.class.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Test.class))
                .map(java.lang.reflect.Method::getName)
                .collect(java.util.stream.Collectors.toSet());
        for (ProblemReason reason : ProblemReason.values()) {
            String prefix = Character.toLowerCase(reason.name().charAt(0)) + reason.name().substring(1);
            assertThat(tests).as("a test for %s", reason).anyMatch(name -> name.startsWith(prefix));
        }
    }

    @Test
    void unknownProvider() {
        Compilation c = input()
                .providers(simulated("sim"))
                .groups(simpleGroup("chat", "sim", "ghost"))
                .compile();
        assertProblems(c, tuple(ref("ModelGroup", "chat"), "spec.targets[1].provider", ProblemReason.UnknownProvider, Warning));
        assertThat(targetsOf(c, "chat")).containsExactly("sim/chat");
        assertThat(c.problems().get(0).message()).contains("ghost");
    }

    @Test
    void providerUnavailable() {
        Compilation c = input()
                .providers(simulated("sim"), provider("openai", "{type: OpenAI}"))
                .groups(simpleGroup("chat", "openai", "sim"))
                .compile();
        assertProblems(c,
                tuple(ref("Provider", "openai"), "spec.credentials", ProblemReason.UnsupportedCombination, Error),
                tuple(ref("ModelGroup", "chat"), "spec.targets[0].provider", ProblemReason.ProviderUnavailable, Warning));
        assertThat(targetsOf(c, "chat")).containsExactly("sim/chat");
        assertThat(c.table().providers()).extracting("name").containsExactly("sim");
    }

    @Test
    void duplicateModelNameGoesToTheOlderGroup() {
        ModelGroup younger = group("a-chat", "{model: chat, targets: [{provider: sim-a}]}");
        younger.getMetadata().setCreationTimestamp("2026-02-01T00:00:00Z");
        ModelGroup older = group("b-chat", "{model: chat, targets: [{provider: sim-b}]}");
        older.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
        Compilation c = input()
                .providers(simulated("sim-a"), simulated("sim-b"))
                .groups(younger, older, simpleGroup("other", "sim-a"))
                .compile();
        assertProblems(c, tuple(ref("ModelGroup", "a-chat"), "spec.model", ProblemReason.DuplicateModelName, Error));
        assertThat(targetsOf(c, "chat")).containsExactly("sim-b/chat");
        assertThat(modelNames(c)).containsExactly("chat", "other");
        assertThat(c.problems().get(0).message()).contains("b-chat");
    }

    /** Crossing patterns: `anthropic/claude-mini` matches both and neither pattern lies inside the other. */
    @Test
    void ambiguousModelPatternLeavesTheYoungerGroupOut() {
        ModelGroup older = group("by-vendor", "{modelPattern: 'anthropic/*', targets: [{provider: sim-a, model: '{1}'}]}");
        older.getMetadata().setCreationTimestamp("2026-01-01T00:00:00Z");
        ModelGroup younger = group("small-ones", "{modelPattern: '*-mini', targets: [{provider: sim-b}]}");
        younger.getMetadata().setCreationTimestamp("2026-02-01T00:00:00Z");
        Compilation c = input()
                .providers(simulated("sim-a"), simulated("sim-b"))
                .groups(younger, older, simpleGroup("gpt-4o-mini", "sim-b"))
                .compile();
        assertProblems(c, tuple(ref("ModelGroup", "small-ones"), "spec.modelPattern", ProblemReason.AmbiguousModelPattern, Error));
        assertThat(modelNames(c)).containsExactly("gpt-4o-mini", "anthropic/*");
        assertThat(c.problems().get(0).message()).contains("anthropic/*", "by-vendor", "*-mini");
    }

    /** The same names twice is as ambiguous as crossing ones: `a?*` and `a*?` match exactly the same names. */
    @Test
    void ambiguousModelPatternAlsoForEqualPatterns() {
        Compilation c = input()
                .providers(simulated("sim"))
                .groups(group("a-first", "{modelPattern: 'a?*', targets: [{provider: sim}]}"),
                        group("b-second", "{modelPattern: 'a*?', targets: [{provider: sim}]}"))
                .compile();
        assertProblems(c, tuple(ref("ModelGroup", "b-second"), "spec.modelPattern", ProblemReason.AmbiguousModelPattern, Error));
        assertThat(modelNames(c)).containsExactly("a?*");
        assertThat(c.problems().get(0).message()).contains("matches the same names as");
    }

    @Test
    void duplicateModelNameWithoutTimestampsGoesToTheFirstName() {
        Compilation c = input()
                .providers(simulated("sim-a"), simulated("sim-b"))
                .groups(group("b-chat", "{model: chat, targets: [{provider: sim-b}]}"),
                        group("a-chat", "{model: chat, targets: [{provider: sim-a}]}"))
                .compile();
        assertProblems(c, tuple(ref("ModelGroup", "b-chat"), "spec.model", ProblemReason.DuplicateModelName, Error));
        assertThat(targetsOf(c, "chat")).containsExactly("sim-a/chat");
    }

    /** Fallback problems of the served name belong to the group that won it, not to the younger duplicate. */
    @Test
    void duplicateModelNameLeavesFallbackProblemsWithTheWinner() {
        Compilation c = input()
                .providers(simulated("sim"))
                .groups(group("a-chat", "{model: chat, targets: [{provider: sim}], fallbacks: [nowhere, small]}"),
                        group("b-chat", "{model: chat, targets: [{provider: sim}]}"),
                        group("small", "{model: small, targets: [{provider: sim}], fallbacks: [chat]}"))
                .compile();
        assertProblems(c,
                tuple(ref("ModelGroup", "a-chat"), "spec.fallbacks", ProblemReason.UnknownFallback, Warning),
                tuple(ref("ModelGroup", "a-chat"), "spec.fallbacks", ProblemReason.FallbackCycle, Error),
                tuple(ref("ModelGroup", "b-chat"), "spec.model", ProblemReason.DuplicateModelName, Error),
                tuple(ref("ModelGroup", "small"), "spec.fallbacks", ProblemReason.FallbackCycle, Error));
        assertThat(modelNames(c)).isEmpty();
    }

    @Test
    void duplicateAlias() {
        Compilation c = input()
                .providers(simulated("sim"))
                .groups(group("a-chat", "{model: chat, aliases: [smart], targets: [{provider: sim}]}"),
                        group("b-chat", "{model: chat-2, aliases: [smart, chat, chat-two], targets: [{provider: sim}]}"))
                .compile();
        assertProblems(c,
                tuple(ref("ModelGroup", "b-chat"), "spec.aliases", ProblemReason.DuplicateAlias, Warning),
                tuple(ref("ModelGroup", "b-chat"), "spec.aliases", ProblemReason.DuplicateAlias, Warning));
        assertThat(c.table().model("chat").aliases()).containsExactly("smart");
        assertThat(c.table().model("chat-2").aliases()).containsExactly("chat-two");
        assertThat(c.table().model("smart").name()).isEqualTo("chat");
    }

    @Test
    void unknownFallback() {
        Compilation c = input()
                .providers(simulated("sim"))
                .groups(group("chat", "{model: chat, targets: [{provider: sim}], fallbacks: [nowhere, small-alias]}"),
                        group("small", "{model: small, aliases: [small-alias], targets: [{provider: sim}]}"))
                .compile();
        assertProblems(c, tuple(ref("ModelGroup", "chat"), "spec.fallbacks", ProblemReason.UnknownFallback, Warning));
        assertThat(c.table().model("chat").fallbacks()).as("alias resolved to the model name").containsExactly("small");
        assertThat(c.problems().get(0).message()).contains("nowhere");
    }

    @Test
    void fallbackToALeftOutGroupIsUnknown() {
        Compilation c = input()
                .providers(simulated("sim"))
                .groups(group("chat", "{model: chat, targets: [{provider: sim}], fallbacks: [broken]}"),
                        simpleGroup("broken", "ghost"))
                .compile();
        assertProblems(c,
                tuple(ref("ModelGroup", "broken"), "spec.targets[0].provider", ProblemReason.UnknownProvider, Warning),
                tuple(ref("ModelGroup", "broken"), "spec.targets", ProblemReason.NoUsableTargets, Error),
                tuple(ref("ModelGroup", "chat"), "spec.fallbacks", ProblemReason.UnknownFallback, Warning));
        assertThat(modelNames(c)).containsExactly("chat");
        assertThat(c.table().model("chat").fallbacks()).isEmpty();
    }

    @Test
    void fallbackCycleLeavesOutEveryGroupOnIt() {
        Compilation c = input()
                .providers(simulated("sim"))
                .groups(group("a", "{model: a, targets: [{provider: sim}], fallbacks: [b]}"),
                        group("b", "{model: b, aliases: [bee], targets: [{provider: sim}], fallbacks: [c]}"),
                        group("c", "{model: c, targets: [{provider: sim}], fallbacks: [bee]}"),
                        group("d", "{model: d, targets: [{provider: sim}], fallbacks: [a, e]}"),
                        simpleGroup("e", "sim"))
                .compile();
        assertProblems(c,
                tuple(ref("ModelGroup", "b"), "spec.fallbacks", ProblemReason.FallbackCycle, Error),
                tuple(ref("ModelGroup", "c"), "spec.fallbacks", ProblemReason.FallbackCycle, Error),
                tuple(ref("ModelGroup", "a"), "spec.fallbacks", ProblemReason.UnknownFallback, Warning));
        assertThat(modelNames(c)).as("a leads into the cycle but is not on it").containsExactly("a", "d", "e");
        assertThat(c.table().model("a").fallbacks()).as("b was left out").isEmpty();
        assertThat(c.table().model("d").fallbacks()).containsExactly("a", "e");
        assertThat(c.problemsOf(ref("ModelGroup", "b")).get(0).message()).contains("b -> c -> b");
    }

    @Test
    void missingSecret() {
        Compilation c = input()
                .policy(policy("{access: {mode: ApiKeys, clients: [{name: search, keyRef: {name: nope, key: k}}, {name: ok, keyRef: {name: clients, key: ok}}]}}"))
                .providers(provider("openai", "{type: OpenAI, credentials: {secretRef: {name: missing-keys}}}"), simulated("sim"))
                .groups(simpleGroup("chat", "openai", "sim"))
                .secrets(secrets("secret:clients", "ok"))
                .compile();
        assertProblems(c,
                tuple(ref("Provider", "openai"), "spec.credentials.secretRef.name", ProblemReason.MissingSecret, Error),
                tuple(ref("ModelGroup", "chat"), "spec.targets[0].provider", ProblemReason.ProviderUnavailable, Warning),
                tuple(ref("RoutingPolicy", "gateway"), "spec.access.clients[0].keyRef.name", ProblemReason.MissingSecret, Error));
        assertThat(targetsOf(c, "chat")).containsExactly("sim/chat");
        assertThat(c.table().access().clients()).extracting("name").containsExactly("ok");
    }

    @Test
    void missingSecretKey() {
        Compilation c = input()
                .policy(policy("{access: {mode: ApiKeys, clients: [{name: search, keyRef: {name: clients, key: search}}, {name: ok, keyRef: {name: clients, key: ok}}]}}"))
                .providers(provider("openai", "{type: OpenAI, credentials: {secretRef: {name: openai-keys, keys: [key-1, key-3]}}}"),
                        provider("anthropic", "{type: Anthropic, credentials: {secretRef: {name: empty}}}"),
                        simulated("sim"))
                .groups(simpleGroup("chat", "openai", "anthropic", "sim"))
                .secrets(secrets("secret:openai-keys", "key-1", "key-2", "secret:empty", "secret:clients", "ok"))
                .compile();
        assertProblems(c,
                tuple(ref("Provider", "openai"), "spec.credentials.secretRef.keys", ProblemReason.MissingSecretKey, Error),
                tuple(ref("Provider", "anthropic"), "spec.credentials.secretRef.name", ProblemReason.MissingSecretKey, Error),
                tuple(ref("ModelGroup", "chat"), "spec.targets[0].provider", ProblemReason.ProviderUnavailable, Warning),
                tuple(ref("ModelGroup", "chat"), "spec.targets[1].provider", ProblemReason.ProviderUnavailable, Warning),
                tuple(ref("RoutingPolicy", "gateway"), "spec.access.clients[0].keyRef.key", ProblemReason.MissingSecretKey, Error));
        assertThat(targetsOf(c, "chat")).containsExactly("sim/chat");
        assertThat(c.table().access().clients()).extracting("name").containsExactly("ok");
        assertThat(c.problemsOf(ref("Provider", "openai")).get(0).message()).contains("key-3");
    }

    private static final Map<String, String> USABLE = Map.of("switchboard.dev/usable", "true");

    @Test
    void secretNotOptedIn() {
        SecretIndex secrets = SecretIndex.builder()
                .secret("openai-keys", Map.of(), Map.of(), Map.of("key-1", "sk-not-opted-in"))
                .secret("clients", Map.of("switchboard.dev/usable", "yes"), Map.of(), Map.of("search", "sb-1"))
                .secret("ok-clients", USABLE, Map.of(), Map.of("ok", "sb-2"))
                .build();
        Compilation c = input()
                .policy(policy("{access: {mode: ApiKeys, clients: [{name: search, keyRef: {name: clients, key: search}}, {name: ok, keyRef: {name: ok-clients, key: ok}}]}}"))
                .providers(provider("openai", "{type: OpenAI, credentials: {secretRef: {name: openai-keys}}}"), simulated("sim"))
                .groups(simpleGroup("chat", "openai", "sim"))
                .secrets(secrets)
                .compile();
        assertProblems(c,
                tuple(ref("Provider", "openai"), "spec.credentials.secretRef.name", ProblemReason.SecretNotOptedIn, Error),
                tuple(ref("ModelGroup", "chat"), "spec.targets[0].provider", ProblemReason.ProviderUnavailable, Warning),
                tuple(ref("RoutingPolicy", "gateway"), "spec.access.clients[0].keyRef.name", ProblemReason.SecretNotOptedIn, Error));
        assertThat(targetsOf(c, "chat")).containsExactly("sim/chat");
        assertThat(c.table().access().clients()).extracting("name").containsExactly("ok");
        assertThat(c.problemsOf(ref("Provider", "openai")).get(0).message())
                .contains("Secret openai-keys", "switchboard.dev/usable=true").doesNotContain("sk-not-opted-in");
    }

    @Test
    void secretNotAllowed() {
        SecretIndex secrets = SecretIndex.builder()
                .secret("openai-keys", USABLE, Map.of("switchboard.dev/usable-by", "Provider/openai, RoutingPolicy/other"),
                        Map.of("key-1", "sk-1"))
                .build();
        Compilation c = input()
                .policy(policy("{access: {mode: ApiKeys, clients: [{name: thief, keyRef: {name: openai-keys, key: key-1}}]}}"))
                .providers(provider("openai", "{type: OpenAI, credentials: {secretRef: {name: openai-keys}}}"),
                        provider("exfiltrate", "{type: OpenAICompatible, endpoint: 'https://collector.example', credentials: {secretRef: {name: openai-keys}}}"))
                .groups(simpleGroup("chat", "openai", "exfiltrate"))
                .secrets(secrets)
                .compile();
        assertProblems(c,
                tuple(ref("Provider", "exfiltrate"), "spec.credentials.secretRef.name", ProblemReason.SecretNotAllowed, Error),
                tuple(ref("ModelGroup", "chat"), "spec.targets[1].provider", ProblemReason.ProviderUnavailable, Warning),
                tuple(ref("RoutingPolicy", "gateway"), "spec.access.clients[0].keyRef.name", ProblemReason.SecretNotAllowed, Error),
                tuple(ref("RoutingPolicy", "gateway"), "spec.access", ProblemReason.UnsupportedCombination, Warning));
        assertThat(targetsOf(c, "chat")).containsExactly("openai/chat");
        assertThat(c.problemsOf(ref("Provider", "exfiltrate")).get(0).message())
                .contains("Provider/openai", "RoutingPolicy/other", "not by Provider/exfiltrate");
    }

    @Test
    void invalidSecretValue() {
        SecretIndex secrets = SecretIndex.builder()
                .secret("openai-keys", USABLE, Map.of(), Map.of("good", "sk-good\n", "bad", "sk-bad\r\nX-Injected: 1"))
                .secret("anthropic-keys", USABLE, Map.of(), Map.of("only", "sk-ant\nsecond-line"))
                .secret("clients", USABLE, Map.of(), Map.of("search", "sb-1\nsb-2", "ok", "sb-ok"))
                .build();
        Compilation c = input()
                .policy(policy("{access: {mode: ApiKeys, clients: [{name: search, keyRef: {name: clients, key: search}}, {name: ok, keyRef: {name: clients, key: ok}}]}}"))
                .providers(provider("openai", "{type: OpenAI, credentials: {secretRef: {name: openai-keys}}}"),
                        provider("anthropic", "{type: Anthropic, credentials: {secretRef: {name: anthropic-keys}}}"))
                .groups(simpleGroup("chat", "openai", "anthropic"))
                .secrets(secrets)
                .compile();
        assertProblems(c,
                tuple(ref("Provider", "openai"), "spec.credentials.secretRef.keys", ProblemReason.InvalidSecretValue, Warning),
                tuple(ref("Provider", "anthropic"), "spec.credentials.secretRef.keys", ProblemReason.InvalidSecretValue, Warning),
                tuple(ref("Provider", "anthropic"), "spec.credentials.secretRef.name", ProblemReason.InvalidSecretValue, Error),
                tuple(ref("ModelGroup", "chat"), "spec.targets[1].provider", ProblemReason.ProviderUnavailable, Warning),
                tuple(ref("RoutingPolicy", "gateway"), "spec.access.clients[0].keyRef.key", ProblemReason.InvalidSecretValue, Error));
        assertThat(c.table().provider("openai").credentials()).extracting("key").as("a trailing newline is stripped, not refused")
                .containsExactly("good");
        assertThat(targetsOf(c, "chat")).containsExactly("openai/chat");
        assertThat(c.table().access().clients()).extracting("name").containsExactly("ok");
        assertThat(c.problems().toString()).contains("key bad", "key search").doesNotContain("sk-bad", "X-Injected", "sb-1", "sk-ant");
    }

    @Test
    void duplicateClientKey() {
        SecretIndex secrets = SecretIndex.builder()
                .secret("clients", USABLE, Map.of(), Map.of("a", "sb-shared", "b", "  sb-shared\n", "c", "sb-own"))
                .secret("admin", USABLE, Map.of(), Map.of("key", "sb-own"))
                .build();
        Compilation c = input()
                .policy(policy("{access: {mode: ApiKeys, adminKeyRef: {name: admin, key: key}, clients: ["
                        + "{name: first, keyRef: {name: clients, key: a}}, {name: second, keyRef: {name: clients, key: b}},"
                        + " {name: third, keyRef: {name: clients, key: c}}, {name: fourth, keyRef: {name: clients, key: a}}]}}"))
                .providers(simulated("sim"))
                .groups(simpleGroup("chat", "sim"))
                .secrets(secrets)
                .compile();
        assertProblems(c,
                tuple(ref("RoutingPolicy", "gateway"), "spec.access.clients[1].keyRef", ProblemReason.DuplicateClientKey, Error),
                tuple(ref("RoutingPolicy", "gateway"), "spec.access.clients[3].keyRef", ProblemReason.DuplicateClientKey, Error),
                tuple(ref("RoutingPolicy", "gateway"), "spec.access.adminKeyRef", ProblemReason.DuplicateClientKey, Error));
        assertThat(c.table().access().clients()).extracting("name").as("the first holder of a key keeps it").containsExactly("first", "third");
        assertThat(c.table().access().adminKey()).as("an admin key that is also a client key turns the admin API off").isNull();
        assertThat(c.problemsOf(ref("RoutingPolicy", "gateway"))).extracting(Problem::message)
                .anySatisfy(m -> assertThat(m).contains("client second", "client first"))
                .anySatisfy(m -> assertThat(m).contains("admin key", "client third"));
        assertThat(c.problems().toString()).doesNotContain("sb-shared", "sb-own");
    }

    @Test
    void modelNotServed() {
        var withStatus = provider("ollama", "{type: Ollama, models: ['llama3.1:8b']}");
        withStatus.setStatus(new dev.switchboard.api.v1alpha1.ProviderStatus(null, null, java.util.List.of("qwen3:4b"), 1, null, null));
        Compilation c = input()
                .providers(withStatus, simulated("sim"))
                .groups(group("chat", "{model: chat, targets: [{provider: ollama, model: 'gpt-5'}, {provider: ollama, model: 'llama3.1:8b'}, "
                        + "{provider: ollama, model: 'qwen3:4b'}, {provider: sim}]}"))
                .compile();
        assertProblems(c, tuple(ref("ModelGroup", "chat"), "spec.targets[0].model", ProblemReason.ModelNotServed, Warning));
        assertThat(targetsOf(c, "chat")).as("declared and discovered models are both served")
                .containsExactly("ollama/llama3.1:8b", "ollama/qwen3:4b", "sim/chat");
    }

    @Test
    void unsupportedCombinationLowestCostWithoutPricing() {
        Compilation c = input()
                .providers(provider("priced", "{type: Simulated, pricing: [{model: chat, inputPerMillion: 1, outputPerMillion: 2}]}"),
                        simulated("free"))
                .groups(group("chat", "{model: chat, strategy: LowestCost, targets: [{provider: priced}, {provider: free}]}"),
                        group("cheap", "{model: cheap, strategy: LowestCost, targets: [{provider: priced, model: chat}]}"))
                .compile();
        assertProblems(c, tuple(ref("ModelGroup", "chat"), "spec.strategy", ProblemReason.UnsupportedCombination, Error));
        assertThat(modelNames(c)).containsExactly("cheap");
        assertThat(c.problems().get(0).message()).contains("free");
    }

    @Test
    void unsupportedCombinationProviderAndPolicy() {
        Compilation c = input()
                .policy(policy("{access: {mode: ApiKeys}}"))
                .providers(provider("azure", "{type: AzureOpenAI, credentials: {secretRef: {name: azure}}}"),
                        provider("compat", "{type: OpenAICompatible}"),
                        provider("ollama", "{type: Ollama, simulation: {latency: 1s}}"),
                        simulated("sim"))
                .groups(simpleGroup("chat", "sim"))
                .secrets(secrets("secret:azure", "k"))
                .compile();
        assertProblems(c,
                tuple(ref("Provider", "azure"), "spec.endpoint", ProblemReason.UnsupportedCombination, Error),
                tuple(ref("Provider", "azure"), "spec.apiVersion", ProblemReason.UnsupportedCombination, Error),
                tuple(ref("Provider", "compat"), "spec.endpoint", ProblemReason.UnsupportedCombination, Error),
                tuple(ref("Provider", "ollama"), "spec.simulation", ProblemReason.UnsupportedCombination, Error),
                tuple(ref("RoutingPolicy", "gateway"), "spec.access", ProblemReason.UnsupportedCombination, Warning));
        assertThat(c.table().access().mode()).isEqualTo("ApiKeys");
        assertThat(c.table().access().clients()).isEmpty();
        assertThat(modelNames(c)).containsExactly("chat");
    }

    @Test
    void noUsableTargets() {
        Compilation c = input()
                .providers(simulated("sim"), provider("ollama", "{type: Ollama, models: [llama]}"))
                .groups(group("gone", "{model: gone, targets: [{provider: ghost}, {provider: ollama}]}"),
                        group("agg", "{model: agg, aggregate: {providerSelector: {matchLabels: {tier: nowhere}}}}"),
                        simpleGroup("chat", "sim"))
                .compile();
        assertProblems(c,
                tuple(ref("ModelGroup", "gone"), "spec.targets[0].provider", ProblemReason.UnknownProvider, Warning),
                tuple(ref("ModelGroup", "gone"), "spec.targets[1].model", ProblemReason.ModelNotServed, Warning),
                tuple(ref("ModelGroup", "gone"), "spec.targets", ProblemReason.NoUsableTargets, Error),
                tuple(ref("ModelGroup", "agg"), "spec.aggregate", ProblemReason.NoUsableTargets, Error));
        assertThat(modelNames(c)).containsExactly("chat");
    }

    @Test
    void noTargetsAtAll() {
        Compilation c = input().providers(simulated("sim")).groups(group("empty", "{model: empty}"), simpleGroup("chat", "sim")).compile();
        assertProblems(c, tuple(ref("ModelGroup", "empty"), "spec.targets", ProblemReason.NoUsableTargets, Error));
        assertThat(modelNames(c)).containsExactly("chat");
    }

    @Test
    void invalidValueInAProviderLeavesItOut() {
        Compilation c = input()
                .providers(provider("slow", "{type: Ollama, timeouts: {connect: 30 seconds}}"), simulated("sim"))
                .groups(simpleGroup("chat", "slow", "sim"))
                .compile();
        assertProblems(c,
                tuple(ref("Provider", "slow"), "spec.timeouts.connect", ProblemReason.InvalidValue, Error),
                tuple(ref("ModelGroup", "chat"), "spec.targets[0].provider", ProblemReason.ProviderUnavailable, Warning));
        assertThat(targetsOf(c, "chat")).containsExactly("sim/chat");
    }

    /** The duration pattern admits 0s, but the gateway rejects a table with a zero timeout or deadline. */
    @Test
    void invalidValueForZeroDurationsKeepsTheTableValid() {
        Compilation c = input()
                .policy(policy("{access: {mode: Open}, defaults: {deadline: 0s}}"))
                .providers(provider("zero", "{type: Ollama, timeouts: {connect: 0s, idle: 0.1ms}}"), simulated("sim"))
                .groups(simpleGroup("chat", "zero", "sim"))
                .compile();
        assertProblems(c,
                tuple(ref("Provider", "zero"), "spec.timeouts.connect", ProblemReason.InvalidValue, Error),
                tuple(ref("Provider", "zero"), "spec.timeouts.idle", ProblemReason.InvalidValue, Error),
                tuple(ref("ModelGroup", "chat"), "spec.targets[0].provider", ProblemReason.ProviderUnavailable, Warning),
                tuple(ref("RoutingPolicy", "gateway"), "spec.defaults.deadline", ProblemReason.InvalidValue, Error));
        assertThat(targetsOf(c, "chat")).containsExactly("sim/chat");
        assertThat(c.table().settings().deadlineMs()).isEqualTo(120_000);
    }

    @Test
    void invalidValueInATargetDropsIt() {
        Compilation c = input()
                .providers(simulated("sim"), simulated("sim-2"))
                .groups(group("chat", "{model: chat, aliases: ['bad alias', chat-latest], targets: [{provider: sim, weight: 0}, "
                        + "{provider: sim-2, model: 'no spaces'}, {provider: sim-2}, {provider: sim-2, weight: 5}]}"))
                .compile();
        assertProblems(c,
                tuple(ref("ModelGroup", "chat"), "spec.targets[0]", ProblemReason.InvalidValue, Warning),
                tuple(ref("ModelGroup", "chat"), "spec.targets[1].model", ProblemReason.InvalidValue, Warning),
                tuple(ref("ModelGroup", "chat"), "spec.targets[3]", ProblemReason.InvalidValue, Warning),
                tuple(ref("ModelGroup", "chat"), "spec.aliases[0]", ProblemReason.InvalidValue, Warning));
        ModelRoute chat = c.table().model("chat");
        assertThat(chat.targets()).containsExactly(new ModelRoute.Target("sim-2", "chat", 1, 0));
        assertThat(chat.aliases()).containsExactly("chat-latest");
    }

    @Test
    void invalidValueInTheModelNameLeavesTheGroupOut() {
        Compilation c = input().providers(simulated("sim"))
                .groups(group("spaces", "{model: 'has spaces', targets: [{provider: sim}]}"), simpleGroup("chat", "sim"))
                .compile();
        assertProblems(c, tuple(ref("ModelGroup", "spaces"), "spec.model", ProblemReason.InvalidValue, Error));
        assertThat(modelNames(c)).containsExactly("chat");
    }

    @Test
    void invalidValueInThePolicyFallsBackForThatPart() {
        Compilation c = input()
                .policy(policy("{access: {mode: Open}, defaults: {deadline: soon, retry: {attempts: 3, backoff: {base: 5s, max: 2s}}}}"))
                .providers(simulated("sim"))
                .groups(simpleGroup("chat", "sim"))
                .compile();
        assertProblems(c,
                tuple(ref("RoutingPolicy", "gateway"), "spec.defaults.deadline", ProblemReason.InvalidValue, Error),
                tuple(ref("RoutingPolicy", "gateway"), "spec.defaults.retry.backoff.base", ProblemReason.InvalidValue, Error));
        var settings = c.table().settings();
        assertThat(settings.deadlineMs()).as("documented default").isEqualTo(120_000);
        assertThat(settings.retry().backoffBaseMs()).isEqualTo(2_000);
        assertThat(settings.retry().backoffMaxMs()).isEqualTo(2_000);
        assertThat(settings.retry().attempts()).as("valid parts are kept").isEqualTo(3);
        assertThat(modelNames(c)).containsExactly("chat");
    }

    private static final String SSO = "{name: sso, issuer: 'https://sso.example.com', audiences: [gateway]}";

    @Test
    void unknownIssuerLeavesTheClientOut() {
        Compilation c = input()
                .policy(policy("{access: {issuers: [" + SSO + ", {name: broken, issuer: 'http://sso.example.com', audiences: [gateway]}],"
                        + " clients: [{name: ghost, token: {issuer: nowhere}}, {name: stale, token: {issuer: broken}},"
                        + " {name: jobs, token: {issuer: sso}}]}}"))
                .providers(simulated("sim")).groups(simpleGroup("chat", "sim"))
                .compile();
        assertProblems(c,
                tuple(ref("RoutingPolicy", "gateway"), "spec.access.issuers[1].issuer", ProblemReason.InvalidValue, Error),
                tuple(ref("RoutingPolicy", "gateway"), "spec.access.clients[0].token.issuer", ProblemReason.UnknownIssuer, Error),
                tuple(ref("RoutingPolicy", "gateway"), "spec.access.clients[1].token.issuer", ProblemReason.UnknownIssuer, Error));
        assertThat(c.table().access().clients()).extracting("name").containsExactly("jobs");
        assertThat(c.table().access().issuers()).extracting("name").containsExactly("sso");
        assertThat(message(c, "spec.access.clients[1].token.issuer")).contains("broken", "left out");
    }

    /**
     * Two clients of one issuer and one priority that may match one token: the later one is left out. Disjoint subjects,
     * different priorities and different issuers are all fine; contains never separates (a list may hold both values).
     */
    @Test
    void ambiguousClientsLeaveTheLaterOneOut() {
        String other = "{name: other, issuer: 'https://other.example.com', audiences: [gateway]}";
        Compilation c = input()
                .policy(policy("{access: {issuers: [" + SSO + ", " + other + "], clients: ["
                        + "{name: team-a, token: {issuer: sso, subject: 'system:serviceaccount:team-a:*'}},"
                        + "{name: team-b, token: {issuer: sso, subject: 'system:serviceaccount:team-b:*'}},"
                        + "{name: trainer, token: {issuer: sso, subject: 'system:serviceaccount:team-a:trainer'}},"
                        + "{name: trainer-first, token: {issuer: sso, subject: 'system:serviceaccount:team-a:trainer', priority: 1}},"
                        + "{name: ml, token: {issuer: sso, claims: [{claim: groups, contains: ml-platform}]}},"
                        + "{name: data, token: {issuer: sso, subject: '*:team-c:*', claims: [{claim: groups, contains: data}]}},"
                        + "{name: elsewhere, token: {issuer: other}}]}}"))
                .providers(simulated("sim")).groups(simpleGroup("chat", "sim"))
                .compile();
        assertProblems(c,
                tuple(ref("RoutingPolicy", "gateway"), "spec.access.clients[2].token", ProblemReason.AmbiguousClients, Error),
                tuple(ref("RoutingPolicy", "gateway"), "spec.access.clients[4].token", ProblemReason.AmbiguousClients, Error),
                tuple(ref("RoutingPolicy", "gateway"), "spec.access.clients[5].token", ProblemReason.AmbiguousClients, Error));
        assertThat(c.table().access().clients()).extracting("name").containsExactlyInAnyOrder("team-a", "team-b", "trainer-first", "elsewhere");
        assertThat(message(c, "spec.access.clients[2].token")).contains("team-a", "trainer", "priority");
    }

    @Test
    void issuerUnavailableWithoutTheCluster() {
        String policy = "{access: {issuers: [{name: cluster, type: Kubernetes, audiences: [gateway]}],"
                + " clients: [{name: team-a, token: {issuer: cluster, subject: 'system:serviceaccount:team-a:*'}}]}}";
        Compilation local = input().policy(policy(policy)).cluster(null)
                .providers(simulated("sim")).groups(simpleGroup("chat", "sim")).compile();
        Compilation unreadable = input().policy(policy(policy)).cluster(ClusterIssuer.unavailable("403 Forbidden"))
                .providers(simulated("sim")).groups(simpleGroup("chat", "sim")).compile();
        Compilation cluster = input().policy(policy(policy)).providers(simulated("sim")).groups(simpleGroup("chat", "sim")).compile();

        for (Compilation c : List.of(local, unreadable)) {
            assertThat(c.problems()).extracting(Problem::field, Problem::reason, Problem::severity).containsExactlyInAnyOrder(
                    tuple("spec.access.clients[0].token.issuer", ProblemReason.UnknownIssuer, Error),
                    tuple("spec.access.issuers[0]", ProblemReason.IssuerUnavailable, Error),
                    tuple("spec.access", ProblemReason.UnsupportedCombination, Warning));
            assertThat(c.table().access().issuers()).isEmpty();
        }
        assertThat(message(local, "spec.access.issuers[0]")).contains("local mode");
        assertThat(message(unreadable, "spec.access.issuers[0]")).contains("403 Forbidden");
        assertThat(cluster.problems()).isEmpty();
        var issuer = cluster.table().access().issuers().get(0);
        assertThat(issuer.issuer()).isEqualTo("https://kubernetes.default.svc.cluster.local");
        assertThat(issuer.keys()).extracting("kid").containsExactly("k1");
        assertThat(issuer.jwksUri()).isNull();
        assertThat(issuer.discovery()).isNull();
    }

    /**
     * A ModelGroup or client naming a hook the policy does not declare is left out, not served without the hook; one
     * naming a hook left out for its own problems is too.
     */
    @Test
    void unknownHookLeavesTheGroupOrClientOut() {
        Compilation c = input()
                .policy(policy("{access: {mode: Open, clients: [{name: jobs, keyRef: {name: keys, key: jobs}, hooks: [nowhere]},"
                        + " {name: search, keyRef: {name: keys, key: search}, hooks: [pii]}]},"
                        + " hooks: [{name: pii, phase: PreCall, redact: {presets: [Email]}}, {name: broken, phase: PreCall, redact: {patterns: [{name: x, regex: '(unclosed'}]}}]}"))
                .secrets(secrets("secret:keys", "jobs", "search"))
                .providers(simulated("sim"))
                .groups(group("chat", "{model: chat, targets: [{provider: sim}], hooks: [pii]}"),
                        group("guarded", "{model: guarded, targets: [{provider: sim}], hooks: [broken]}"),
                        group("ghost", "{model: ghost, targets: [{provider: sim}], hooks: [missing]}"))
                .compile();
        assertProblems(c,
                tuple(ref("RoutingPolicy", "gateway"), "spec.hooks[1].redact.patterns[0].regex", ProblemReason.InvalidHook, Error),
                tuple(ref("RoutingPolicy", "gateway"), "spec.access.clients[0].hooks", ProblemReason.UnknownHook, Error),
                tuple(ref("ModelGroup", "guarded"), "spec.hooks", ProblemReason.UnknownHook, Error),
                tuple(ref("ModelGroup", "ghost"), "spec.hooks", ProblemReason.UnknownHook, Error));
        assertThat(c.table().models()).extracting("name").containsExactly("chat");
        assertThat(c.table().access().clients()).extracting("name").containsExactly("search");
        assertThat(c.table().requestPolicies().hooks()).extracting("name").containsExactly("pii");
        assertThat(c.table().requestPolicies().models().get("chat").hooks()).containsExactly("pii");
        assertThat(c.table().requestPolicies().clients().get("search").hooks()).containsExactly("pii");
        assertThat(c.problems()).filteredOn(p -> p.resource().name().equals("guarded")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("hook broken", "left out"));
        assertThat(c.table().validate()).isEmpty();
    }

    /** A hook that cannot work is left out with the reason: a regex that does not compile, one matching nothing at all, a URL with credentials. */
    @Test
    void invalidHookIsLeftOutWithTheReason() {
        Compilation c = input()
                .policy(policy("{access: {mode: Open}, hooks: ["
                        + "{name: bad-regex, phase: PreCall, redact: {patterns: [{name: card, regex: '[0-9{4}'}]}},"
                        + "{name: empty-match, phase: PreCall, redact: {patterns: [{name: any, regex: 'x*'}]}},"
                        + "{name: creds, phase: PostCall, url: 'http://user:pw@guard.llm/check'},"
                        + "{name: ok, phase: PostCall, url: 'http://guard.llm/check', timeout: 200ms, onFailure: FailOpen}]}"))
                .providers(simulated("sim")).groups(simpleGroup("chat", "sim"))
                .compile();
        assertProblems(c,
                tuple(ref("RoutingPolicy", "gateway"), "spec.hooks[0].redact.patterns[0].regex", ProblemReason.InvalidHook, Error),
                tuple(ref("RoutingPolicy", "gateway"), "spec.hooks[1].redact.patterns[0].regex", ProblemReason.InvalidHook, Error),
                tuple(ref("RoutingPolicy", "gateway"), "spec.hooks[2].url", ProblemReason.InvalidHook, Error));
        assertThat(message(c, "spec.hooks[0].redact.patterns[0].regex")).contains("card", "not a regular expression");
        assertThat(c.table().requestPolicies().hooks()).singleElement().satisfies(hook -> {
            assertThat(hook.name()).isEqualTo("ok");
            assertThat(hook.timeoutMs()).isEqualTo(200);
            assertThat(hook.onFailure()).isEqualTo("FailOpen");
        });
    }

    private static String message(Compilation c, String field) {
        return c.problems().stream().filter(p -> p.field().equals(field)).findFirst().orElseThrow().message();
    }
}
