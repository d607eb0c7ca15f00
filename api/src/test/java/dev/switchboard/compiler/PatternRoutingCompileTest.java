package dev.switchboard.compiler;

import static dev.switchboard.compiler.Fixtures.group;
import static dev.switchboard.compiler.Fixtures.input;
import static dev.switchboard.compiler.Fixtures.modelNames;
import static dev.switchboard.compiler.Fixtures.provider;
import static dev.switchboard.compiler.Fixtures.ref;
import static dev.switchboard.compiler.Fixtures.simpleGroup;
import static dev.switchboard.compiler.Fixtures.simulated;
import static dev.switchboard.compiler.Fixtures.targetsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.ProviderStatus;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.RoutingTableCodec;

/** Pattern ModelGroups, their precedence and rewrites, and providers' name rules, from resources to the resolved route. */
class PatternRoutingCompileTest {

    private static Provider discovered(Provider provider, String... models) {
        provider.setStatus(new ProviderStatus(1L, null, List.of(models), models.length, null, null));
        return provider;
    }

    private static List<String> upstreamOf(RoutingTable table, String requested) {
        ModelRoute route = table.model(requested);
        assertThat(route).as("a route for %s", requested).isNotNull();
        return route.targets().stream().map(t -> t.provider() + "/" + t.model()).toList();
    }

    @Test
    void prefixIsStrippedAndTheRequestedNameDefaultsThrough() {
        Compilation c = input()
                .providers(simulated("claude"), simulated("mirror"))
                .groups(group("anthropic", "{modelPattern: 'anthropic/*', targets: [{provider: claude, model: '{1}'}, {provider: mirror}]}"))
                .compile();
        assertThat(c.problems()).isEmpty();
        assertThat(upstreamOf(c.table(), "anthropic/claude-x")).containsExactly("claude/claude-x", "mirror/anthropic/claude-x");
        assertThat(upstreamOf(c.table(), "anthropic/claude-y")).containsExactly("claude/claude-y", "mirror/anthropic/claude-y");
        assertThat(c.table().model("openai/gpt-4o")).isNull();
        ModelRoute resolved = c.table().model("anthropic/claude-x");
        assertThat(resolved.name()).as("labelled by the pattern").isEqualTo("anthropic/*");
        assertThat(resolved.aliases()).containsExactly("anthropic/claude-x");
        assertThat(resolved.targets()).extracting(ModelRoute.Target::stateKey).containsExactly("{1}", "anthropic/{1}");
        assertThat(resolved.targets()).extracting(ModelRoute.Target::label).as("no list: the template, not the request")
                .containsExactly("{1}", "anthropic/{1}");
    }

    @Test
    void capturesAreSubstitutedInAnyOrder() {
        Compilation c = input()
                .providers(simulated("sim"))
                .groups(group("swap", "{modelPattern: 'x/*/*', targets: [{provider: sim, model: '{2}-on-{1}'}]}"))
                .compile();
        assertThat(upstreamOf(c.table(), "x/vendor/model-a")).containsExactly("sim/model-a-on-vendor");
    }

    @Test
    void exactNamesAndAliasesWinOverPatternsAndTheMoreSpecificPatternWins() {
        Compilation c = input()
                .providers(simulated("wide"), simulated("narrow"), simulated("exact"))
                .groups(group("all-anthropic", "{modelPattern: 'anthropic/*', targets: [{provider: wide, model: '{1}'}]}"),
                        group("claude", "{modelPattern: 'anthropic/claude-*', targets: [{provider: narrow, model: 'c-{1}'}]}"),
                        group("pinned", "{model: anthropic/claude-pinned, aliases: [anthropic/claude-alias], targets: [{provider: exact, model: pinned}]}"))
                .compile();
        assertThat(c.problems()).isEmpty();
        assertThat(modelNames(c)).as("exact names first, then patterns most specific first")
                .containsExactly("anthropic/claude-pinned", "anthropic/claude-*", "anthropic/*");
        assertThat(upstreamOf(c.table(), "anthropic/claude-pinned")).containsExactly("exact/pinned");
        assertThat(upstreamOf(c.table(), "anthropic/claude-alias")).containsExactly("exact/pinned");
        assertThat(upstreamOf(c.table(), "anthropic/claude-3")).containsExactly("narrow/c-3");
        assertThat(upstreamOf(c.table(), "anthropic/other")).containsExactly("wide/other");
    }

    /** A name an exact group or a more specific pattern serves is listed there, not again under the wider pattern. */
    @Test
    void aPatternListsOnlyTheNamesItServes() {
        Compilation c = input()
                .providers(provider("sim", "{type: Simulated, models: [claude-a, claude-b, claude-3-c, other]}"))
                .groups(group("wide", "{modelPattern: '*', targets: [{provider: sim}]}"),
                        group("claude", "{modelPattern: 'claude-*', targets: [{provider: sim}]}"),
                        group("claude-3", "{modelPattern: 'claude-3-*', targets: [{provider: sim}]}"),
                        group("pinned", "{model: claude-a, targets: [{provider: sim}]}"))
                .compile();
        assertThat(c.problems()).isEmpty();
        assertThat(c.table().models()).extracting(ModelRoute::name, ModelRoute::listed).containsExactly(
                tuple("claude-a", null),
                tuple("claude-3-*", List.of("claude-3-c")),
                tuple("claude-*", List.of("claude-b")),
                tuple("*", List.of("other")));
    }

    @Test
    void theOrderOfTheResourcesDoesNotChangeTheTable() throws Exception {
        var wide = group("all-anthropic", "{modelPattern: 'anthropic/*', targets: [{provider: sim}]}");
        var narrow = group("claude", "{modelPattern: 'anthropic/claude-*', targets: [{provider: sim}]}");
        var narrowest = group("claude-3", "{modelPattern: 'anthropic/claude-3*', targets: [{provider: sim}]}");
        Compilation one = input().providers(simulated("sim")).groups(wide, narrow, narrowest).compile();
        Compilation other = input().providers(simulated("sim")).groups(narrowest, wide, narrow).compile();
        assertThat(one.json()).isEqualTo(other.json());
        assertThat(modelNames(one)).containsExactly("anthropic/claude-3*", "anthropic/claude-*", "anthropic/*");
        assertThat(RoutingTableCodec.fromJson(one.json()).validate()).isEmpty();
    }

    /** With the providers' model lists known, the group lists what it serves and refuses the rest before any call. */
    @Test
    void knownModelsAreListedAndOthersAreNotRouted() {
        Compilation c = input()
                .providers(discovered(simulated("claude"), "claude-x", "claude-y", "text-embed"),
                        provider("mirror", "{type: Simulated, models: [anthropic/claude-x, anthropic/claude-z]}"))
                .groups(group("anthropic", "{modelPattern: 'anthropic/claude-*', targets: [{provider: claude, model: 'claude-{1}'}, {provider: mirror}]}"))
                .compile();
        assertThat(c.problems()).isEmpty();
        ModelRoute route = c.table().models().get(0);
        assertThat(route.listed()).containsExactly("anthropic/claude-x", "anthropic/claude-y", "anthropic/claude-z");
        assertThat(route.targets()).extracting(ModelRoute.Target::known).containsExactly(
                Map.of("claude-x", "claude-x", "claude-y", "claude-y"),
                Map.of("anthropic/claude-x", "anthropic/claude-x", "anthropic/claude-z", "anthropic/claude-z"));
        assertThat(upstreamOf(c.table(), "anthropic/claude-x")).containsExactly("claude/claude-x", "mirror/anthropic/claude-x");
        assertThat(upstreamOf(c.table(), "anthropic/claude-y")).as("only the provider serving it").containsExactly("claude/claude-y");
        assertThat(c.table().model("anthropic/claude-unknown")).as("known by no provider").isNull();
        assertThat(c.table().model("anthropic/claude-x").targets()).extracting(ModelRoute.Target::label)
                .containsExactly("claude-x", "anthropic/claude-x");
    }

    @Test
    void aProviderKnownToServeNoNameOfThePatternIsDropped() {
        Compilation c = input()
                .providers(provider("other", "{type: Simulated, models: [gpt-4o]}"), simulated("sim"))
                .groups(group("anthropic", "{modelPattern: 'anthropic/*', targets: [{provider: other, model: 'claude-{1}'}, {provider: sim}]}"))
                .compile();
        assertThat(c.problems()).extracting(Problem::resource, Problem::field, Problem::reason)
                .containsExactly(tuple(ref("ModelGroup", "anthropic"), "spec.targets[0].model", ProblemReason.ModelNotServed));
        assertThat(upstreamOf(c.table(), "anthropic/x")).containsExactly("sim/anthropic/x");
    }

    @Test
    void aTemplateReferringToNoWildcardDropsTheTarget() {
        Compilation c = input()
                .providers(simulated("sim"), simulated("other"))
                .groups(group("p", "{modelPattern: 'p/*', targets: [{provider: sim, model: '{2}'}, {provider: other, model: '{1}'}]}"))
                .compile();
        assertThat(c.problems()).extracting(Problem::field, Problem::reason)
                .containsExactly(tuple("spec.targets[0].model", ProblemReason.InvalidValue));
        assertThat(c.problems().get(0).message()).contains("{2}");
        assertThat(upstreamOf(c.table(), "p/q")).containsExactly("other/q");
    }

    /** An aggregate pattern group takes every selected provider known to serve some name of the pattern. */
    @Test
    void aggregatePatternGroupSpansProvidersKnownToServeIt() {
        Compilation c = input()
                .providers(provider("a", "{pool: shared}", "{type: Simulated, models: [llama-8b, llama-70b]}"),
                        provider("b", "{pool: shared}", "{type: Simulated, models: [llama-70b, qwen]}"),
                        provider("c", "{pool: shared}", "{type: Simulated}"))
                .groups(group("llamas", "{modelPattern: 'llama-*', aggregate: {providerSelector: {matchLabels: {pool: shared}}}}"))
                .compile();
        assertThat(c.problems()).isEmpty();
        assertThat(c.table().models().get(0).listed()).containsExactly("llama-70b", "llama-8b");
        assertThat(upstreamOf(c.table(), "llama-70b")).containsExactly("a/llama-70b", "b/llama-70b");
        assertThat(upstreamOf(c.table(), "llama-8b")).containsExactly("a/llama-8b");
    }

    /** Two providers spell gpt-4o differently; their name rules make one aggregate group span both. */
    @Test
    void aggregateGroupSpansProvidersThatNameTheModelDifferently() {
        Compilation c = input()
                .providers(discovered(provider("dated", "{pool: gpt}", "{type: Simulated, modelNames: [{upstream: gpt-4o-2024-08-06, canonical: gpt-4o}]}"),
                                "gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18"),
                        provider("prefixed", "{pool: gpt}", "{type: Simulated, models: [openai/gpt-4o], modelNames: [{upstream: 'openai/*', canonical: '{1}'}]}"),
                        provider("plain", "{pool: gpt}", "{type: Simulated, models: [gpt-4o]}"))
                .groups(group("gpt-4o", "{model: gpt-4o, aggregate: {providerSelector: {matchLabels: {pool: gpt}}}}"))
                .compile();
        assertThat(c.problems()).isEmpty();
        assertThat(targetsOf(c, "gpt-4o")).containsExactly("dated/gpt-4o-2024-08-06", "plain/gpt-4o", "prefixed/openai/gpt-4o");
        assertThat(c.table().provider("prefixed").modelNames()).hasSize(1);
    }

    /** An explicit target names the canonical model; the provider is called by its own spelling, read back from its rules. */
    @Test
    void explicitTargetsAreCalledByTheProvidersSpelling() {
        Compilation c = input()
                .providers(provider("prefixed", "{type: Simulated, modelNames: [{upstream: 'openai/*', canonical: '{1}'}]}"))
                .groups(simpleGroup("gpt-4o", "prefixed"),
                        group("already-spelled", "{model: spelled, targets: [{provider: prefixed, model: openai/gpt-4o-mini}]}"),
                        group("gpts", "{modelPattern: 'gpt-*', targets: [{provider: prefixed}]}"))
                .compile();
        assertThat(c.problems()).isEmpty();
        assertThat(targetsOf(c, "gpt-4o")).containsExactly("prefixed/openai/gpt-4o");
        assertThat(targetsOf(c, "spelled")).containsExactly("prefixed/openai/gpt-4o-mini");
        assertThat(upstreamOf(c.table(), "gpt-5")).as("pattern groups read back per request").containsExactly("prefixed/openai/gpt-5");
    }

    /** Pattern groups compare canonical names: a dated upstream name is listed and served under its canonical one. */
    @Test
    void patternGroupsMatchCanonicalNames() {
        Compilation c = input()
                .providers(discovered(provider("dated", "{type: Simulated, modelNames: [{upstream: 'gpt-4o*-2024-??-??', canonical: 'gpt-4o{1}'}]}"),
                        "gpt-4o-2024-08-06", "gpt-4o-mini-2024-07-18", "o1"))
                .groups(group("gpts", "{modelPattern: 'gpt-*', targets: [{provider: dated}]}"))
                .compile();
        assertThat(c.problems()).isEmpty();
        assertThat(c.table().models().get(0).listed()).containsExactly("gpt-4o", "gpt-4o-mini");
        assertThat(upstreamOf(c.table(), "gpt-4o-mini")).containsExactly("dated/gpt-4o-mini-2024-07-18");
        assertThat(c.table().model("gpt-3.5")).isNull();
    }

    @Test
    void aNameRuleWithAStrayReferenceIsIgnoredWithAWarning() {
        Compilation c = input()
                .providers(provider("sim", "{type: Simulated, modelNames: [{upstream: 'openai/*', canonical: '{2}'}, {upstream: 'x-*', canonical: '{1}'}]}"))
                .groups(simpleGroup("chat", "sim"))
                .compile();
        assertThat(c.problems()).extracting(Problem::field, Problem::reason)
                .containsExactly(tuple("spec.modelNames[0].canonical", ProblemReason.InvalidValue));
        assertThat(c.table().provider("sim").modelNames()).hasSize(1);
        assertThat(targetsOf(c, "chat")).containsExactly("sim/x-chat");
    }

    @Test
    void fallbacksMayNameWhatAPatternServesAndCyclesThroughPatternsAreFound() {
        Compilation c = input()
                .providers(simulated("sim"))
                .groups(group("chat", "{model: chat, targets: [{provider: sim}], fallbacks: [anthropic/claude-x]}"),
                        group("anthropic", "{modelPattern: 'anthropic/*', targets: [{provider: sim}], fallbacks: [chat-small]}"),
                        simpleGroup("chat-small", "sim"))
                .compile();
        assertThat(c.problems()).isEmpty();
        assertThat(c.table().model("chat").fallbacks()).containsExactly("anthropic/claude-x");
        assertThat(c.table().model("anthropic/anything").fallbacks()).containsExactly("chat-small");

        Compilation cycle = input()
                .providers(simulated("sim"))
                .groups(group("chat", "{model: chat, targets: [{provider: sim}], fallbacks: [anthropic/claude-x]}"),
                        group("anthropic", "{modelPattern: 'anthropic/*', targets: [{provider: sim}], fallbacks: [chat]}"))
                .compile();
        assertThat(cycle.problems()).extracting(Problem::reason).containsOnly(ProblemReason.FallbackCycle);
        assertThat(cycle.table().models()).isEmpty();
    }

    @Test
    void pricingMayBeGivenPerGlobAndLowestCostChecksIt() {
        Compilation priced = input()
                .providers(provider("sim", "{type: Simulated, pricing: [{model: 'claude-*', inputPerMillion: 3, outputPerMillion: 15},"
                        + " {model: 'claude-haiku-*', inputPerMillion: 1, outputPerMillion: 5}, {model: claude-haiku-4, inputPerMillion: 0.5, outputPerMillion: 2}]}"))
                .groups(group("anthropic", "{modelPattern: 'anthropic/*', strategy: LowestCost, targets: [{provider: sim, model: 'claude-{1}'}]}"))
                .compile();
        assertThat(priced.problems()).isEmpty();
        var provider = priced.table().provider("sim");
        assertThat(provider.priceOf("claude-sonnet-4").inputPerMillion()).isEqualTo(3);
        assertThat(provider.priceOf("claude-haiku-3").inputPerMillion()).as("the more specific glob").isEqualTo(1);
        assertThat(provider.priceOf("claude-haiku-4").inputPerMillion()).as("the exact entry").isEqualTo(0.5);
        assertThat(provider.priceOf("gpt-4o")).isNull();

        Compilation unpriced = input()
                .providers(provider("sim", "{type: Simulated, pricing: [{model: 'claude-3-*', inputPerMillion: 3, outputPerMillion: 15}]}"))
                .groups(group("anthropic", "{modelPattern: 'anthropic/*', strategy: LowestCost, targets: [{provider: sim, model: 'claude-{1}'}]}"))
                .compile();
        assertThat(unpriced.problems()).extracting(Problem::field, Problem::reason)
                .contains(tuple("spec.strategy", ProblemReason.UnsupportedCombination));
    }
}
