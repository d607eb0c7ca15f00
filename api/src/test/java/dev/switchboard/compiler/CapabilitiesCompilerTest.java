package dev.switchboard.compiler;

import static dev.switchboard.compiler.Fixtures.input;
import static dev.switchboard.compiler.Fixtures.provider;
import static dev.switchboard.compiler.Fixtures.ref;
import static dev.switchboard.compiler.Fixtures.simpleGroup;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.Feature;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.RoutingTableCodec;
import dev.switchboard.routing.UpstreamProvider;

/** Provider.spec.capabilities → providers[].capabilities of the routing table. */
class CapabilitiesCompilerTest {

    private static UpstreamProvider compiled(String spec) {
        Compilation c = input().providers(provider("local", spec)).groups(simpleGroup("chat", "local")).compile();
        assertThat(c.hasErrors()).as(c.problems().toString()).isFalse();
        return c.table().provider("local");
    }

    @Test
    void providerWideListAndPerModelOverridesAreCompiledSortedAndDeduplicated() {
        UpstreamProvider p = compiled("{type: Ollama, capabilities: {unsupported: [Tools, Images, Tools], "
                + "models: [{model: llava, unsupported: []}, {model: embedder, unsupported: [Streaming, Chat]}]}}");

        assertThat(p.capabilities().unsupported()).containsExactly("Images", "Tools");
        assertThat(p.capabilities().models()).isEqualTo(Map.of("llava", List.of(), "embedder", List.of("Chat", "Streaming")));
        assertThat(p.unsupportedBy("llama3")).containsExactly("Images", "Tools");
        assertThat(p.unsupportedBy("llava")).as("a model entry replaces the provider-wide list").isEmpty();
        assertThat(p.unsupportedBy("embedder")).containsExactly("Chat", "Streaming");
    }

    @Test
    void noDeclarationOrNothingRestrictedLeavesTheTableUnchanged() {
        Compilation plain = input().providers(provider("local", "{type: Ollama}")).groups(simpleGroup("chat", "local")).compile();
        Compilation empty = input().providers(provider("local", "{type: Ollama, capabilities: {unsupported: [], models: [{model: x, unsupported: []}]}}"))
                .groups(simpleGroup("chat", "local")).compile();

        assertThat(plain.table().provider("local").capabilities()).isNull();
        assertThat(empty.json()).isEqualTo(plain.json());
        assertThat(new String(plain.json())).doesNotContain("capabilities");
    }

    @Test
    void repeatedOrMalformedModelEntriesAreWarningsAndTheFirstEntryWins() {
        Compilation c = input().providers(provider("local", "{type: Ollama, capabilities: {models: "
                + "[{model: llava, unsupported: [Tools]}, {model: llava, unsupported: []}, {model: ' bad', unsupported: [Images]}]}}"))
                .groups(simpleGroup("chat", "local")).compile();

        assertThat(c.hasErrors()).isFalse();
        assertThat(c.problemsOf(ref("Provider", "local"))).extracting(Problem::reason)
                .containsExactly(ProblemReason.InvalidValue, ProblemReason.InvalidValue);
        assertThat(c.table().provider("local").unsupportedBy("llava")).containsExactly("Tools");
    }

    @Test
    void theTableRoundTripsAndValidates() throws Exception {
        Compilation c = input().providers(provider("local", "{type: Ollama, capabilities: {unsupported: [JsonSchema]}}"))
                .groups(simpleGroup("chat", "local")).compile();
        RoutingTable read = RoutingTableCodec.fromJson(c.json());

        assertThat(read).isEqualTo(c.table());
        assertThat(read.validate()).isEmpty();
    }

    @Test
    void tableValidationRejectsUnknownFeatureNames() {
        Compilation c = input().providers(provider("local", "{type: Ollama}")).groups(simpleGroup("chat", "local")).compile();
        UpstreamProvider p = c.table().provider("local");
        UpstreamProvider edited = new UpstreamProvider(p.name(), p.type(), p.endpoint(), p.apiVersion(), p.headers(), p.timeouts(),
                p.limits(), p.pricing(), p.credentials(), p.simulation(),
                new UpstreamProvider.Capabilities(List.of("Telepathy"), Map.of("m", List.of("Vision"))));
        RoutingTable table = new RoutingTable(c.table().schemaVersion(), c.table().source(), c.table().settings(), c.table().access(),
                List.of(edited), c.table().models());

        assertThat(table.validate()).containsExactlyInAnyOrder(
                "providers[local].capabilities.unsupported: unknown feature Telepathy",
                "providers[local].capabilities.models[m]: unknown feature Vision");
    }

    @Test
    void tableFeatureNamesAreTheCrdEnum() {
        assertThat(UpstreamProvider.Capabilities.FEATURES)
                .containsExactlyElementsOf(Arrays.stream(Feature.values()).map(Feature::name).toList());
    }
}
