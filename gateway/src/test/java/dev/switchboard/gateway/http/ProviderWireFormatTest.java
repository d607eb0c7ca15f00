package dev.switchboard.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.testing.AzureOpenAiSimulator;
import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.OllamaAzureTestResource;
import dev.switchboard.gateway.testing.OllamaSimulator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** What the providers receive: Ollama's native request shapes, Azure's deployment URLs and headers. */
@QuarkusTest
@QuarkusTestResource(value = OllamaAzureTestResource.class, restrictToAnnotatedClass = true)
class ProviderWireFormatTest {

    @TestHTTPResource("/v1/")
    URL v1;

    private HttpResponse<String> post(String path, JsonObject body) {
        return Http.post(URI.create(v1.toString()).resolve(path), body.encode());
    }

    private static JsonArray hello() {
        return new JsonArray().add(new JsonObject().put("role", "user").put("content", "hello"));
    }

    @Test
    void ollamaGetsSamplingOptionsAndNoKeyWhenNoneIsConfigured() {
        HttpResponse<String> response = post("chat/completions", new JsonObject().put("model", "llama").put("messages", hello())
                .put("temperature", 0.2).put("top_p", 0.9).put("seed", 7).put("max_tokens", 40).put("stop", "END")
                .put("presence_penalty", 0.5).put("frequency_penalty", 0.25).put("user", "team-a"));

        assertThat(response.statusCode()).isEqualTo(200);
        OllamaSimulator.Received received = OllamaAzureTestResource.ollama().last();
        assertThat(received.path()).isEqualTo("/api/chat");
        assertThat(received.authorization()).isNull();
        assertThat(received.body().getString("model")).isEqualTo("llama3.1:8b");
        assertThat(received.body().getBoolean("stream")).isFalse();
        assertThat(received.body().getJsonObject("options")).isEqualTo(new JsonObject().put("temperature", 0.2).put("top_p", 0.9)
                .put("presence_penalty", 0.5).put("frequency_penalty", 0.25).put("seed", 7).put("stop", new JsonArray().add("END"))
                .put("num_predict", 40));
    }

    @Test
    void ollamaGetsAJsonSchemaAsFormatAndToolsWithoutOpenAiExtras() {
        JsonObject schema = new JsonObject().put("type", "object").put("properties", new JsonObject()
                .put("age", new JsonObject().put("type", "integer")).put("name", new JsonObject().put("type", "string")));
        HttpResponse<String> response = post("chat/completions", new JsonObject().put("model", "llama").put("messages", hello())
                .put("response_format", new JsonObject().put("type", "json_schema")
                        .put("json_schema", new JsonObject().put("name", "person").put("strict", true).put("schema", schema))));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(OllamaAzureTestResource.ollama().last().body().getJsonObject("format")).isEqualTo(schema);
        JsonObject content = new JsonObject(new JsonObject(response.body()).getJsonArray("choices").getJsonObject(0)
                .getJsonObject("message").getString("content"));
        assertThat(content).isEqualTo(new JsonObject().put("age", 42).put("name", "hello"));
    }

    @Test
    void ollamaBehindAProxyGetsTheBearerTokenAndAV1EndpointStillMeansTheNativeApi() {
        HttpResponse<String> response = post("chat/completions", new JsonObject().put("model", "llama-proxied").put("messages", hello()));

        assertThat(response.statusCode()).isEqualTo(200);
        OllamaSimulator.Received received = OllamaAzureTestResource.ollama().last();
        assertThat(received.path()).isEqualTo("/api/chat");
        assertThat(received.authorization()).isEqualTo("Bearer " + OllamaAzureTestResource.OLLAMA_PROXY_KEY);
    }

    @Test
    void ollamaCompletionsUseGenerate() {
        HttpResponse<String> response = post("completions", new JsonObject().put("model", "llama").put("prompt", "def add(a, b):")
                .put("suffix", "return c").put("max_tokens", 12));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject completion = new JsonObject(response.body());
        assertThat(completion.getString("object")).isEqualTo("text_completion");
        assertThat(completion.getJsonArray("choices").getJsonObject(0).getString("text")).isEqualTo("echo: def add(a, b): [suffix: return c]");
        OllamaSimulator.Received received = OllamaAzureTestResource.ollama().last();
        assertThat(received.path()).isEqualTo("/api/generate");
        assertThat(received.body().getJsonObject("options").getInteger("num_predict")).isEqualTo(12);
    }

    @Test
    void ollamaCompletionsStream() {
        HttpResponse<String> response = post("completions", new JsonObject().put("model", "llama").put("prompt", "stream me")
                .put("stream", true).put("stream_options", new JsonObject().put("include_usage", true)));

        assertThat(response.statusCode()).isEqualTo(200);
        String[] events = response.body().split("\n\n");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < events.length - 2; i++) {
            JsonObject chunk = new JsonObject(events[i].substring(6));
            assertThat(chunk.getString("object")).isEqualTo("text_completion");
            text.append(chunk.getJsonArray("choices").getJsonObject(0).getString("text"));
        }
        assertThat(text.toString()).isEqualTo("echo: stream me");
        assertThat(new JsonObject(events[events.length - 2].substring(6)).getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(3);
        assertThat(events[events.length - 1]).isEqualTo("data: [DONE]");
    }

    @Test
    void ollamaEmbeddingsUseEmbedWithUsage() {
        HttpResponse<String> response = post("embeddings", new JsonObject().put("model", "llama-embed")
                .put("input", new JsonArray().add("first text").add("second one here")).put("dimensions", 3));

        assertThat(response.statusCode()).isEqualTo(200);
        JsonObject list = new JsonObject(response.body());
        assertThat(list.getString("object")).isEqualTo("list");
        assertThat(list.getString("model")).isEqualTo("llama-embed");
        assertThat(list.getJsonArray("data")).hasSize(2);
        assertThat(list.getJsonArray("data").getJsonObject(1).getInteger("index")).isEqualTo(1);
        assertThat(list.getJsonArray("data").getJsonObject(1).getJsonArray("embedding")).containsExactly(0.25, 0.3125, 0.375);
        assertThat(list.getJsonObject("usage")).isEqualTo(new JsonObject().put("prompt_tokens", 5).put("total_tokens", 5));
        assertThat(OllamaAzureTestResource.ollama().last().path()).isEqualTo("/api/embed");
        assertThat(OllamaAzureTestResource.ollama().last().body().getInteger("dimensions")).isEqualTo(3);
    }

    @Test
    void ollamaEmbeddingsAsBase64AreLittleEndianFloats() {
        HttpResponse<String> response = post("embeddings", new JsonObject().put("model", "llama-embed").put("input", "x")
                .put("encoding_format", "base64"));

        String encoded = new JsonObject(response.body()).getJsonArray("data").getJsonObject(0).getString("embedding");
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(java.util.Base64.getDecoder().decode(encoded))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.remaining()).isEqualTo(16);
        assertThat(bytes.getFloat()).isEqualTo(0.125f);
        assertThat(bytes.getFloat()).isEqualTo(0.1875f);
    }

    @Test
    void azureIsCalledAtTheEncodedDeploymentWithApiVersionAndApiKey() {
        HttpResponse<String> response = post("chat/completions", new JsonObject().put("model", "azure").put("messages", hello()));

        assertThat(response.statusCode()).isEqualTo(200);
        AzureOpenAiSimulator.Received received = OllamaAzureTestResource.azure().last();
        assertThat(received.path()).isEqualTo("/openai/deployments/gpt-4o%20prod/chat/completions");
        assertThat(received.apiVersion()).isEqualTo("2024-10-21");
        assertThat(received.apiKey()).isEqualTo(OllamaAzureTestResource.AZURE_KEY);
        // Azure accepts the deployment in the body too; the gateway leaves the body as the client sent it.
        assertThat(received.body().getString("model")).isEqualTo(OllamaAzureTestResource.AZURE_DEPLOYMENT);
        JsonObject completion = new JsonObject(response.body());
        assertThat(completion.getString("model")).isEqualTo("azure");
        assertThat(completion.getJsonArray("prompt_filter_results")).isNotEmpty();
    }

    @Test
    void azureEmbeddingsAndCompletionsUseTheirDeploymentPaths() {
        HttpResponse<String> embeddings = post("embeddings", new JsonObject().put("model", "azure-embed").put("input", "vector me"));
        assertThat(embeddings.statusCode()).isEqualTo(200);
        assertThat(OllamaAzureTestResource.azure().last().path()).isEqualTo("/openai/deployments/embed-small/embeddings");
        assertThat(new JsonObject(embeddings.body()).getJsonArray("data").getJsonObject(0).getJsonArray("embedding")).hasSize(3);

        HttpResponse<String> completion = post("completions", new JsonObject().put("model", "azure-instruct").put("prompt", "say hi"));
        assertThat(completion.statusCode()).isEqualTo(200);
        assertThat(OllamaAzureTestResource.azure().last().path()).isEqualTo("/openai/deployments/instruct/completions");
        assertThat(new JsonObject(completion.body()).getJsonArray("choices").getJsonObject(0).getString("text")).isEqualTo("echo: say hi");
    }
}
