package dev.switchboard.compiler;

import static dev.switchboard.compiler.Fixtures.input;
import static dev.switchboard.compiler.Fixtures.provider;
import static dev.switchboard.compiler.Fixtures.ref;
import static dev.switchboard.compiler.Fixtures.secrets;
import static dev.switchboard.compiler.Fixtures.simpleGroup;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.switchboard.resources.CrdSchemaValidator;
import dev.switchboard.testing.Yaml;

/**
 * A Provider's endpoint and headers: no credentials in a URL or a header, plain http only to cluster-internal hosts
 * unless the Provider says so, no header that reframes the HTTP message. The compiler refuses what the schema lets
 * through (local files, or resources that bypassed the API server), and never quotes a refused endpoint or value.
 */
class UpstreamRulesTest {

    static Compilation compile(String spec) {
        return input().providers(provider("p", spec)).groups(simpleGroup("chat", "p"))
                .secrets(secrets("secret:keys", "k")).compile();
    }

    static List<String> endpointProblems(String endpoint) {
        return compile("{type: OpenAICompatible, endpoint: '" + endpoint + "'}").problemsOf(ref("Provider", "p")).stream()
                .filter(p -> p.field().equals("spec.endpoint")).map(Problem::message).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://llm.example.com/v1", "http://vllm:8000/v1", "http://ollama.ollama.svc:11434",
            "http://vllm.models.svc.cluster.local/v1", "http://localhost:11434", "http://127.0.0.1:8080/v1", "http://[::1]:9000"})
    void acceptedEndpoints(String endpoint) {
        assertThat(endpointProblems(endpoint)).isEmpty();
    }

    @Test
    void credentialsInTheUrlAreRefusedWithoutQuotingIt() {
        assertThat(endpointProblems("https://user:sk-secret@llm.example.com/v1")).singleElement().asString()
                .contains("user info").doesNotContain("sk-secret");
        assertThat(endpointProblems("https://llm.example.com/v1?key=sk-secret")).singleElement().asString()
                .contains("query").doesNotContain("sk-secret");
        assertThat(endpointProblems("https://llm.example.com/v1#frag")).singleElement().asString().contains("fragment");
        assertThat(endpointProblems("ftp://llm.example.com")).singleElement().asString().contains("http");
    }

    @Test
    void plainHttpOutsideTheClusterNeedsTheProvidersPermission() {
        for (String endpoint : List.of("http://llm.example.com/v1", "http://10.0.0.7:8000/v1", "http://vllm.models.svc.attacker.example")) {
            assertThat(endpointProblems(endpoint)).as(endpoint).singleElement().asString().contains("allowPlaintextHttp");
        }
        Compilation allowed = compile("{type: OpenAICompatible, endpoint: 'http://10.0.0.7:8000/v1', allowPlaintextHttp: true}");
        assertThat(allowed.problems()).isEmpty();
        assertThat(allowed.table().provider("p").endpoint()).isEqualTo("http://10.0.0.7:8000/v1");
    }

    @Test
    void credentialAndTransportHeadersAreRefused() {
        for (String header : List.of("Authorization", "x-api-key", "API-Key", "x-goog-api-key", "Proxy-Authorization", "Cookie",
                "Ocp-Apim-Subscription-Key", "Host", "Content-Length", "Transfer-Encoding", "Connection")) {
            Compilation c = compile("{type: OpenAICompatible, endpoint: 'https://llm.example.com', headers: {'" + header + "': 'sk-secret'}}");
            assertThat(c.problemsOf(ref("Provider", "p"))).as(header).singleElement().satisfies(p -> {
                assertThat(p.field()).isEqualTo("spec.headers");
                assertThat(p.reason()).isEqualTo(ProblemReason.InvalidValue);
                assertThat(p.message()).contains(header).doesNotContain("sk-secret");
            });
            assertThat(c.table().providers()).as("the provider is left out").isEmpty();
        }
    }

    @Test
    void aHeaderValueWithALineBreakIsRefused() {
        Compilation c = compile("{type: OpenAICompatible, endpoint: 'https://llm.example.com', headers: {x-tenant: \"a\\r\\nInjected: sk-secret\"}}");
        assertThat(c.problemsOf(ref("Provider", "p"))).singleElement().satisfies(p ->
                assertThat(p.message()).contains("x-tenant", "line break").doesNotContain("sk-secret"));
        Compilation fine = compile("{type: OpenAICompatible, endpoint: 'https://llm.example.com', headers: {anthropic-beta: tools-2024}}");
        assertThat(fine.problems()).isEmpty();
        assertThat(fine.table().provider("p").headers()).containsEntry("anthropic-beta", "tools-2024");
    }

    /** The API server already refuses user info, queries and fragments by the endpoint's pattern. */
    @ParameterizedTest
    @ValueSource(strings = {"https://user:pw@llm.example.com/v1", "https://llm.example.com/v1?key=x", "https://llm.example.com/#x"})
    void theSchemaRefusesCredentialsAndQueriesInTheEndpoint(String endpoint) {
        var provider = Yaml.tree("apiVersion: switchboard.dev/v1alpha1\nkind: Provider\nmetadata: {name: p}\n"
                + "spec: {type: OpenAICompatible, endpoint: '" + endpoint + "'}\n");
        assertThat(new CrdSchemaValidator().validate("Provider", provider)).singleElement()
                .satisfies(v -> assertThat(v.field()).isEqualTo("spec.endpoint"));
    }
}
