package dev.switchboard.compiler;

import static dev.switchboard.compiler.Fixtures.group;
import static dev.switchboard.compiler.Fixtures.input;
import static dev.switchboard.compiler.Fixtures.modelNames;
import static dev.switchboard.compiler.Fixtures.provider;
import static dev.switchboard.compiler.Fixtures.ref;
import static dev.switchboard.compiler.Fixtures.simpleGroup;
import static dev.switchboard.compiler.Fixtures.simulated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import org.junit.jupiter.api.Test;

/**
 * The compiler promises never to throw on bad input. The CRD schema keeps these shapes out of the API server and
 * out of ResourceDirectory, but the compiler is a library: required fields left null become problems, not
 * NullPointerExceptions.
 */
class MalformedInputTest {

    @Test
    void targetWithoutProvider() {
        Compilation c = input().providers(simulated("sim"))
                .groups(group("g", "{model: g, targets: [{weight: 2}, {provider: sim}]}")).compile();
        assertThat(c.problems()).extracting(Problem::resource, Problem::field, Problem::reason)
                .containsExactly(tuple(ref("ModelGroup", "g"), "spec.targets[0].provider", ProblemReason.UnknownProvider));
        assertThat(Fixtures.targetsOf(c, "g")).containsExactly("sim/g");
    }

    @Test
    void secretRefWithoutName() {
        Compilation c = input().providers(provider("o", "{type: OpenAI, credentials: {secretRef: {}}}"), simulated("sim"))
                .groups(simpleGroup("g", "o", "sim")).compile();
        assertThat(c.problemsOf(ref("Provider", "o"))).extracting(Problem::field, Problem::reason)
                .containsExactly(tuple("spec.credentials.secretRef.name", ProblemReason.MissingSecret));
        assertThat(Fixtures.targetsOf(c, "g")).containsExactly("sim/g");
    }

    @Test
    void priceWithoutModel() {
        Compilation c = input().providers(provider("o", "{type: Ollama, pricing: [{inputPerMillion: 1, outputPerMillion: 1}, "
                        + "{model: g, inputPerMillion: 2, outputPerMillion: 3}]}"))
                .groups(simpleGroup("g", "o")).compile();
        assertThat(c.problems()).extracting(Problem::resource, Problem::field, Problem::reason, Problem::severity)
                .containsExactly(tuple(ref("Provider", "o"), "spec.pricing[0].model", ProblemReason.InvalidValue, Problem.Severity.Warning));
        assertThat(c.table().provider("o").pricing()).extracting("model").containsExactly("g");
    }

    @Test
    void selectorsWithNullsSelectNothing() {
        Compilation c = input().providers(provider("o", "{a: x}", "{type: Ollama, models: [g, h]}"), simulated("sim"))
                .groups(group("g", "{model: g, aggregate: {providerSelector: {matchLabels: {a: null}}}}"),
                        group("h", "{model: h, aggregate: {providerSelector: {matchExpressions: [{key: a}]}}}"),
                        simpleGroup("ok", "sim"))
                .compile();
        assertThat(c.problems()).extracting(Problem::resource, Problem::reason).containsExactlyInAnyOrder(
                tuple(ref("ModelGroup", "g"), ProblemReason.NoUsableTargets),
                tuple(ref("ModelGroup", "h"), ProblemReason.NoUsableTargets));
        assertThat(modelNames(c)).containsExactly("ok");
    }

    @Test
    void resourcesWithoutSpec() {
        Compilation c = input().policy(Fixtures.policy("null"))
                .providers(provider("p", "null"), simulated("sim"))
                .groups(group("g", "null"), simpleGroup("ok", "p", "sim"))
                .compile();
        assertThat(c.problems()).extracting(Problem::resource, Problem::field, Problem::reason).containsExactlyInAnyOrder(
                tuple(ref("Provider", "p"), "spec.type", ProblemReason.InvalidValue),
                tuple(ref("ModelGroup", "g"), "spec.model", ProblemReason.InvalidValue),
                tuple(ref("ModelGroup", "ok"), "spec.targets[0].provider", ProblemReason.ProviderUnavailable),
                tuple(ref("RoutingPolicy", "gateway"), "spec.access", ProblemReason.UnsupportedCombination));
        assertThat(modelNames(c)).containsExactly("ok");
    }
}
