package dev.switchboard.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Captures of pattern globs, and templates expanding them and reading them back. */
class ModelTemplateTest {

    @ParameterizedTest(name = "{0} on {1} with {2}: {3}")
    @CsvSource({
            "anthropic/*, anthropic/claude-x, {1}, claude-x",
            "anthropic/*, anthropic/claude-x, anthropic/{1}, anthropic/claude-x",
            "*-*, a-b-c, {2}+{1}, b-c+a",
            "gpt-?o*, gpt-4o-mini, v{1}{2}, v4-mini",
            "*, '', x{1}, x"})
    void capturesExpandIntoTheTemplate(String glob, String name, String template, String expanded) {
        List<String> captures = ModelPattern.of(glob).match(name);
        assertThat(captures).isNotNull();
        assertThat(ModelTemplate.of(template).expand(captures)).isEqualTo(expanded);
        assertThat(ModelTemplate.of(template).invert(ModelPattern.of(glob), expanded)).isEqualTo(name);
    }

    @Test
    void aNameTheGlobDoesNotMatchHasNoCaptures() {
        assertThat(ModelPattern.of("anthropic/*").match("openai/gpt-4o")).isNull();
        assertThat(ModelPattern.of("a?c").match("ac")).isNull();
        assertThat(ModelPattern.of("a.c*").match("abc")).as("a dot is a literal").isNull();
    }

    @Test
    void identityTemplateRebuildsTheName() {
        assertThat(ModelPattern.of("gpt-?o*").identityTemplate()).isEqualTo("gpt-{1}o{2}");
        assertThat(ModelTemplate.of("gpt-{1}o{2}").expand(ModelPattern.of("gpt-?o*").match("gpt-4o-mini"))).isEqualTo("gpt-4o-mini");
    }

    @Test
    void readingBackNeedsEveryCaptureOnceAndAFittingName() {
        ModelPattern pattern = ModelPattern.of("x/*/*");
        assertThat(ModelTemplate.of("{2}").invertibleFor(pattern)).isFalse();
        assertThat(ModelTemplate.of("{1}-{1}").invertibleFor(pattern)).isFalse();
        assertThat(ModelTemplate.of("{2}").invert(pattern, "anything")).isNull();
        assertThat(ModelTemplate.of("claude-{1}").invert(ModelPattern.of("anthropic/*"), "gpt-4o")).isNull();
        assertThat(ModelTemplate.of("{1}").invert(ModelPattern.of("v?"), "12")).as("a ? captures one character").isNull();
    }

    @Test
    void problemsWithATemplate() {
        assertThat(ModelTemplate.of("{1}-{2}").problemWith(2)).isNull();
        assertThat(ModelTemplate.of("{3}").problemWith(2)).contains("{3}");
        assertThat(ModelTemplate.of("{0}").problemWith(1)).contains("{0}");
        assertThat(ModelTemplate.of("a{b").problemWith(1)).contains("brace");
    }

    @Test
    void nameRulesMapBothWays() {
        UpstreamProvider provider = new UpstreamProvider("p", "Simulated", null, null, null, null, null, null, null, null, null,
                List.of(new UpstreamProvider.ModelName("gpt-4o-2024-08-06", "gpt-4o"), new UpstreamProvider.ModelName("openai/*", "{1}")));
        assertThat(provider.canonicalName("gpt-4o-2024-08-06")).isEqualTo("gpt-4o");
        assertThat(provider.canonicalName("openai/o1")).isEqualTo("o1");
        assertThat(provider.canonicalName("o1")).isEqualTo("o1");
        assertThat(provider.upstreamName("gpt-4o")).as("the first rule that reads back").isEqualTo("gpt-4o-2024-08-06");
        assertThat(provider.upstreamName("o1")).isEqualTo("openai/o1");
        UpstreamProvider forwardOnly = new UpstreamProvider("p", "Simulated", null, null, null, null, null, null, null, null, null,
                List.of(new UpstreamProvider.ModelName("gpt-4o-*", "gpt-4o")));
        assertThat(forwardOnly.canonicalName("gpt-4o-2024-05-13")).isEqualTo("gpt-4o");
        assertThat(forwardOnly.upstreamName("gpt-4o")).as("no way back: sent as it is").isEqualTo("gpt-4o");
    }
}
