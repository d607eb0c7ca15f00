package dev.switchboard.compiler;

import static dev.switchboard.compiler.Fixtures.group;
import static dev.switchboard.compiler.Fixtures.input;
import static dev.switchboard.compiler.Fixtures.modelNames;
import static dev.switchboard.compiler.Fixtures.policy;
import static dev.switchboard.compiler.Fixtures.provider;
import static dev.switchboard.compiler.Fixtures.ref;
import static dev.switchboard.compiler.Fixtures.simpleGroup;
import static dev.switchboard.compiler.Fixtures.simulated;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.ProviderStatus;
import dev.switchboard.routing.ModelRoute;

/** Exclusion of broken groups, aggregate selection, group selection and defaults. */
class CompilerBehaviourTest {

    private static List<Provider> providers() {
        return List.of(simulated("sim"), provider("ollama", "{type: Ollama, models: [llama]}"));
    }

    private static List<ModelGroup> validGroups() {
        return List.of(simpleGroup("chat", "sim"),
                group("local", "{model: local, targets: [{provider: ollama, model: llama}, {provider: sim}], fallbacks: [chat]}"),
                group("embed", "{model: embed, aliases: [embeddings], targets: [{provider: sim, weight: 7}]}"));
    }

    @Test
    void oneBrokenGroupIsLeftOutAndTheRestCompilesUnchanged() {
        Compilation without = input().providers(providers().toArray(Provider[]::new)).groups(validGroups().toArray(ModelGroup[]::new)).compile();
        assertThat(without.problems()).isEmpty();

        ModelGroup broken = group("broken", "{model: broken, aliases: [chat-alias], targets: [{provider: ghost}]}");
        Compilation with = input().providers(providers().toArray(Provider[]::new))
                .groups(validGroups().get(0), broken, validGroups().get(1), validGroups().get(2)).compile();

        assertThat(with.hasErrors()).isTrue();
        assertThat(with.problemsOf(ref("ModelGroup", "broken"))).extracting(Problem::reason)
                .containsExactlyInAnyOrder(ProblemReason.UnknownProvider, ProblemReason.NoUsableTargets);
        assertThat(with.problems()).allSatisfy(p -> assertThat(p.resource()).isEqualTo(ref("ModelGroup", "broken")));
        assertThat(modelNames(with)).containsExactly("chat", "embed", "local");
        assertThat(with.table().model("chat-alias")).as("aliases of a left-out group are not served").isNull();
        assertThat(with.json()).as("the rest is exactly what it would be without the broken group").isEqualTo(without.json());
        assertThat(with.hash()).isEqualTo(without.hash());
    }

    @Test
    void aggregatePicksOnlySelectedUsableProvidersKnownToServeTheModel() {
        Provider declares = provider("declares", "{tier: local}", "{type: Ollama, models: [llama, qwen]}");
        Provider discovered = provider("discovered", "{tier: local}", "{type: Ollama}");
        discovered.setStatus(new ProviderStatus(null, null, List.of("llama"), 1, null, null));
        Provider silent = provider("silent", "{tier: local}", "{type: Ollama}");
        Provider otherModel = provider("other-model", "{tier: local}", "{type: Ollama, models: [qwen]}");
        Provider notSelected = provider("hosted", "{tier: hosted}", "{type: OpenAICompatible, endpoint: 'https://llm.example.com/v1', models: [llama]}");
        Provider broken = provider("broken", "{tier: local}", "{type: OpenAICompatible, models: [llama]}");
        Compilation c = input()
                .providers(declares, discovered, silent, otherModel, notSelected, broken)
                .groups(group("llama", "{model: llama, aggregate: {providerSelector: {matchLabels: {tier: local}}, weight: 4, priority: 2}}"),
                        group("mixed", "{model: mixed, targets: [{provider: declares, model: llama, weight: 9}], "
                                + "aggregate: {providerSelector: {matchExpressions: [{key: tier, operator: In, values: [local, hosted]}]}, model: llama}}"))
                .compile();
        assertThat(c.table().model("llama").targets()).containsExactly(
                new ModelRoute.Target("declares", "llama", 4, 2),
                new ModelRoute.Target("discovered", "llama", 4, 2));
        assertThat(c.table().model("mixed").targets()).as("an explicit target wins over the aggregated duplicate").containsExactly(
                new ModelRoute.Target("declares", "llama", 9, 0),
                new ModelRoute.Target("discovered", "llama", 1, 0),
                new ModelRoute.Target("hosted", "llama", 1, 0));
        assertThat(c.problems()).extracting(Problem::resource).containsOnly(ref("Provider", "broken"));
        assertThat(c.table().providers()).extracting("name").containsExactly("declares", "discovered", "hosted");
    }

    @Test
    void aggregateSelectorExpressions() {
        Compilation c = input()
                .providers(provider("a", "{tier: local, gpu: 'yes'}", "{type: Ollama, models: [m]}"),
                        provider("b", "{tier: local}", "{type: Ollama, models: [m]}"),
                        provider("c", "{tier: edge}", "{type: Ollama, models: [m]}"))
                .groups(group("not-in", "{model: not-in, aggregate: {model: m, providerSelector: {matchExpressions: [{key: tier, operator: NotIn, values: [edge]}]}}}"),
                        group("exists", "{model: exists, aggregate: {model: m, providerSelector: {matchExpressions: [{key: gpu, operator: Exists}]}}}"),
                        group("absent", "{model: absent, aggregate: {model: m, providerSelector: {matchExpressions: [{key: gpu, operator: DoesNotExist}]}}}"),
                        group("all", "{model: all, aggregate: {model: m, providerSelector: {}}}"))
                .compile();
        assertThat(providersOf(c, "not-in")).containsExactly("a", "b");
        assertThat(providersOf(c, "exists")).containsExactly("a");
        assertThat(providersOf(c, "absent")).containsExactly("b", "c");
        assertThat(providersOf(c, "all")).containsExactly("a", "b", "c");
    }

    @Test
    void policySelectsGroupsByLabelAndNamespace() {
        ModelGroup elsewhere = simpleGroup("elsewhere", "sim");
        elsewhere.getMetadata().setNamespace("team-b");
        Provider simElsewhere = simulated("sim-b");
        simElsewhere.getMetadata().setNamespace("team-b");
        Compilation c = input()
                .policy(policy("{access: {mode: Open}, modelGroupSelector: {matchLabels: {exposure: public}}}"))
                .providers(simulated("sim"), simElsewhere)
                .groups(group("public", "{exposure: public}", "{model: public, targets: [{provider: sim}]}"),
                        group("private", "{exposure: private}", "{model: private, targets: [{provider: sim}], fallbacks: [public]}"),
                        elsewhere,
                        group("uses-other-ns", "{exposure: public}", "{model: uses-other-ns, targets: [{provider: sim-b}, {provider: sim}]}"))
                .compile();
        assertThat(modelNames(c)).containsExactly("public", "uses-other-ns");
        assertThat(c.problems()).singleElement().satisfies(p -> {
            assertThat(p.resource()).isEqualTo(ref("ModelGroup", "uses-other-ns"));
            assertThat(p.reason()).isEqualTo(ProblemReason.UnknownProvider);
        });
        assertThat(c.table().providers()).extracting("name").containsExactly("sim");
        assertThat(c.table().source().namespace()).isEqualTo("team-a");
    }

    @Test
    void documentedDefaultsFillAnEmptyPolicy() {
        Compilation c = input().policy(policy("{}")).providers(simulated("sim")).groups(simpleGroup("chat", "sim")).compile();
        var settings = c.table().settings();
        assertThat(settings.strategy()).isEqualTo("Weighted");
        assertThat(settings.deadlineMs()).isEqualTo(120_000);
        assertThat(settings.maxRequestBodyBytes()).isEqualTo(4 * 1024 * 1024);
        assertThat(settings.retry().attempts()).isEqualTo(2);
        assertThat(settings.retry().backoffBaseMs()).isEqualTo(100);
        assertThat(settings.retry().backoffMaxMs()).isEqualTo(2_000);
        assertThat(settings.retry().on()).containsExactly("RateLimited", "ServerError", "ConnectFailure", "Timeout");
        assertThat(settings.circuitBreaker().consecutiveFailures()).isEqualTo(5);
        assertThat(c.table().access().mode()).as("ApiKeys is the default").isEqualTo("ApiKeys");
        assertThat(c.table().model("chat").strategy()).isEqualTo("Weighted");
        var sim = c.table().provider("sim");
        assertThat(sim.timeouts().connectMs()).isEqualTo(2_000);
        assertThat(sim.timeouts().totalMs()).isEqualTo(600_000);
        assertThat(sim.simulation().failureStatus()).isEqualTo(503);
        assertThat(settings.affinity()).as("no session affinity unless asked for").isNull();
    }

    @Test
    void sessionAffinityComesFromAHeaderOrTheClientKeyNeverBoth() {
        Compilation header = input().policy(policy("{access: {mode: Open}, defaults: {affinity: {header: X-Session-Id}}}"))
                .providers(simulated("sim")).groups(simpleGroup("chat", "sim")).compile();
        assertThat(header.table().settings().affinity()).isEqualTo(new dev.switchboard.routing.PolicySettings.Affinity("x-session-id", false));

        Compilation clientKey = input().policy(policy("{access: {mode: Open}, defaults: {affinity: {clientKey: true}}}"))
                .providers(simulated("sim")).groups(simpleGroup("chat", "sim")).compile();
        assertThat(clientKey.table().settings().affinity()).isEqualTo(new dev.switchboard.routing.PolicySettings.Affinity(null, true));

        Compilation both = input().policy(policy("{access: {mode: Open}, defaults: {affinity: {header: x-session-id, clientKey: true}}}"))
                .providers(simulated("sim")).groups(simpleGroup("chat", "sim")).compile();
        assertThat(both.problems()).anySatisfy(p -> {
            assertThat(p.field()).isEqualTo("spec.defaults.affinity");
            assertThat(p.reason()).isEqualTo(ProblemReason.InvalidValue);
        });
    }

    @Test
    void targetsAreOrderedByPriorityThenProviderThenModel() {
        Compilation c = input()
                .providers(simulated("b"), simulated("a"), simulated("c"))
                .groups(group("chat", "{model: chat, targets: [{provider: c, priority: 0}, {provider: b, priority: 1}, "
                        + "{provider: a, model: z, priority: 1}, {provider: a, model: y, priority: 1}]}"))
                .compile();
        assertThat(c.table().model("chat").targets()).extracting(t -> t.priority() + ":" + t.provider() + "/" + t.model())
                .containsExactly("0:c/chat", "1:a/y", "1:a/z", "1:b/chat");
    }

    private static List<String> providersOf(Compilation c, String model) {
        return c.table().model(model).targets().stream().map(ModelRoute.Target::provider).toList();
    }
}
