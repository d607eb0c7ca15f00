package dev.switchboard.operator.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.ProviderSpec;
import dev.switchboard.operator.testing.Cluster;
import dev.switchboard.operator.testing.OperatorConfigs;
import dev.switchboard.operator.testing.UpstreamServer;

/**
 * Each provider type's model listing on its own wire format, against a loopback server speaking it: the request the
 * upstream sees (path, key header) and the models the operator takes from the answer.
 */
class ModelDiscoveryWireTest {

    final ModelDiscovery discovery = new ModelDiscovery(OperatorConfigs.withDiscovery(Duration.ofSeconds(10), 1024 * 1024));

    static ProviderSpec spec(String type, String endpoint, String extra) {
        return Cluster.yaml(Provider.class, """
                apiVersion: switchboard.dev/v1alpha1
                kind: Provider
                metadata: {name: p}
                spec: {type: %s, endpoint: '%s'%s}
                """.formatted(type, endpoint, extra)).getSpec();
    }

    /** Azure OpenAI lists deployments, the names targets use; one still being created is not servable yet. */
    @Test
    void azureOpenAiListsSucceededDeployments() throws Exception {
        try (var azure = new UpstreamServer(UpstreamServer.json(200, """
                {"object":"list","data":[
                  {"id":"gpt4o-prod","model":"gpt-4o","status":"succeeded","object":"deployment"},
                  {"id":"embed","model":"text-embedding-3-small","status":"succeeded","object":"deployment"},
                  {"id":"gpt5-next","model":"gpt-5","status":"running","object":"deployment"}]}
                """))) {
            var outcome = discovery.list(spec("AzureOpenAI", azure.url(), ", apiVersion: 2024-10-21"), "azure-key");

            assertThat(outcome).isEqualTo(new ModelDiscovery.Listed(List.of("embed", "gpt4o-prod")));
            assertThat(azure.requests()).singleElement().asString()
                    .startsWith("GET /openai/deployments?api-version=2022-12-01 HTTP/1.1")
                    .containsIgnoringCase("api-key: azure-key");
        }
    }

    /** Gemini answers models/NAME in pages; every page is read and the prefix dropped. */
    @Test
    void geminiListsEveryPageWithoutTheModelsPrefix() throws Exception {
        try (var gemini = new UpstreamServer((head, out) -> {
            String body = head.contains("pageToken=next+page")
                    ? "{\"models\":[{\"name\":\"models/text-embedding-004\"}]}"
                    : "{\"models\":[{\"name\":\"models/gemini-2.5-flash\"},{\"name\":\"models/gemini-2.5-pro\"}],\"nextPageToken\":\"next page\"}";
            UpstreamServer.json(200, body).answer(head, out);
        })) {
            var outcome = discovery.list(spec("Gemini", gemini.url(), ""), "AIza-key");

            assertThat(outcome).isEqualTo(new ModelDiscovery.Listed(List.of("gemini-2.5-flash", "gemini-2.5-pro", "text-embedding-004")));
            assertThat(gemini.requests()).hasSize(2).allSatisfy(request -> assertThat(request)
                    .startsWith("GET /v1beta/models?pageSize=1000").containsIgnoringCase("x-goog-api-key: AIza-key"));
        }
    }

    @Test
    void openAiAnthropicAndOllamaKeepTheirFormats() throws Exception {
        try (var openAi = new UpstreamServer(UpstreamServer.json(200, "{\"data\":[{\"id\":\"gpt-4o\"}]}"));
                var anthropic = new UpstreamServer(UpstreamServer.json(200, "{\"data\":[{\"id\":\"claude-sonnet-4-5\"}],\"has_more\":false}"));
                var ollama = new UpstreamServer(UpstreamServer.json(200, "{\"models\":[{\"name\":\"llama3.1:8b\"}]}"))) {
            assertThat(discovery.list(spec("OpenAICompatible", openAi.url() + "/v1", ""), "sk-1"))
                    .isEqualTo(new ModelDiscovery.Listed(List.of("gpt-4o")));
            assertThat(openAi.requests().get(0)).startsWith("GET /v1/models HTTP/1.1").containsIgnoringCase("authorization: Bearer sk-1");
            assertThat(discovery.list(spec("Anthropic", anthropic.url(), ""), "sk-ant"))
                    .isEqualTo(new ModelDiscovery.Listed(List.of("claude-sonnet-4-5")));
            assertThat(anthropic.requests().get(0)).startsWith("GET /v1/models?limit=1000 HTTP/1.1").containsIgnoringCase("x-api-key: sk-ant");
            assertThat(discovery.list(spec("Ollama", ollama.url(), ""), null))
                    .isEqualTo(new ModelDiscovery.Listed(List.of("llama3.1:8b")));
        }
    }

    /** Names from the upstream end up in status and the table: what is not a model name is dropped. */
    @Test
    void namesThatAreNotModelNamesAreDropped() throws Exception {
        try (var upstream = new UpstreamServer(UpstreamServer.json(200,
                "{\"data\":[{\"id\":\"gpt-4o\"},{\"id\":\"bad name\"},{\"id\":\"\"},{\"id\":\"" + "x".repeat(300) + "\"},{\"id\":7}]}"))) {
            assertThat(discovery.list(spec("OpenAICompatible", upstream.url(), ""), null))
                    .isEqualTo(new ModelDiscovery.Listed(List.of("7", "gpt-4o")));
        }
    }
}
