package dev.switchboard.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.switchboard.api.v1alpha1.CelRulesTest;

/**
 * Local mode has no API server and does not evaluate CEL; the compiler checks the same cross-field rules. For every
 * resource a CEL rule rejects (the cases of CelRulesTest), compiling it reports a problem at that field, so
 * `switchboard validate` fails where `kubectl apply` would; the accepted counterpart compiles without one.
 */
class CelParityTest {

    static Compilation compile(String kind, String spec) {
        var builder = Fixtures.input().secrets(Fixtures.secrets("secret:azure-keys", "k", "secret:keys", "k", "secret:client-keys", "search"));
        switch (kind) {
            case "Provider" -> builder.providers(Fixtures.provider("test", spec)).groups(Fixtures.simpleGroup("chat", "test"));
            case "ModelGroup" -> builder.providers(Fixtures.provider("sim", "{tier: local}", "{type: Simulated, models: [chat]}"),
                    Fixtures.simulated("sim-small")).groups(Fixtures.group("test", spec), Fixtures.simpleGroup("chat-small", "sim-small"));
            case "RoutingPolicy" -> builder.policy(Fixtures.policy(spec)).providers(Fixtures.simulated("sim")).groups(Fixtures.simpleGroup("chat", "sim"));
            default -> throw new IllegalArgumentException(kind);
        }
        return builder.compile();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.switchboard.api.v1alpha1.CelRulesTest#cases")
    void compilerReportsWhatTheCelRuleRejects(CelRulesTest.Case c) {
        Compilation rejected = compile(c.kind(), c.invalid());
        assertThat(rejected.problems()).as(c.name())
                .anySatisfy(p -> {
                    assertThat(p.resource().kind()).isEqualTo(c.kind());
                    assertThat(p.field().startsWith(c.field()) || c.field().startsWith(p.field())).as("%s relates to %s", p.field(), c.field()).isTrue();
                });
        Compilation accepted = compile(c.kind(), c.valid());
        assertThat(accepted.problems()).as(c.name()).noneMatch(p -> p.resource().kind().equals(c.kind())
                && (p.field().startsWith(c.field()) || c.field().startsWith(p.field())));
    }
}
