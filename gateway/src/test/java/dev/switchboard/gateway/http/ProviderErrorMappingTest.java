package dev.switchboard.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.OllamaAzureTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Every error class of Ollama and Azure OpenAI reaches the client as an OpenAI envelope with the status the
 * resilience layer classifies retries by (429 and 503 retryable, with Retry-After where the provider gave one),
 * streamed or not; features Ollama cannot serve are refused with a 400 naming them, before any call.
 */
@QuarkusTest
@QuarkusTestResource(value = OllamaAzureTestResource.class, restrictToAnnotatedClass = true)
class ProviderErrorMappingTest {

    @TestHTTPResource("/v1/chat/completions")
    URL chat;

    private HttpResponse<String> post(JsonObject body) {
        return Http.post(URI.create(chat.toString()), body.encode());
    }

    private static JsonObject chat(String model, boolean stream) {
        return new JsonObject().put("model", model).put("stream", stream)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                // model, status, code, type, retry-after
                Arguments.of("llama-missing-model", 404, "model_not_found", "invalid_request_error", null),
                Arguments.of("llama-busy", 503, "overloaded", "server_error", null),
                Arguments.of("llama-fail-500", 500, "upstream_http_500", "server_error", null),
                Arguments.of("azure-throttled", 429, "429", "rate_limit_error", "3"),
                Arguments.of("azure-throttled-seconds", 429, "429", "rate_limit_error", "6"),
                Arguments.of("azure-filtered", 400, "content_filter", "invalid_request_error", null),
                Arguments.of("azure-fail-500", 500, null, "server_error", null),
                Arguments.of("azure-overloaded", 503, "ServiceUnavailable", "server_error", null),
                Arguments.of("azure-missing", 404, "DeploymentNotFound", "not_found_error", null),
                Arguments.of("azure-old-version", 404, "404", "not_found_error", null),
                // The provider refused the gateway's key: not the client's fault, and its body is not passed on.
                Arguments.of("azure-wrong-key", 502, "upstream_auth_failed", "upstream_error", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void providerErrorsBecomeOpenAiEnvelopes(String model, int status, String code, String type, String retryAfter) {
        for (boolean stream : List.of(false, true)) {
            HttpResponse<String> response = post(chat(model, stream));

            assertThat(response.statusCode()).as(model + " stream=" + stream + ": " + response.body()).isEqualTo(status);
            assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
            JsonObject error = Http.error(response);
            assertThat(error.getString("message")).isNotBlank().doesNotContain(OllamaAzureTestResource.AZURE_KEY);
            if (status == 429 && stream) {
                // The first 429 cools the key down for this deployment: until Retry-After has passed the gateway
                // answers for the provider instead of calling it again.
                assertThat(error.getString("code")).isEqualTo("upstream_rate_limited");
                assertThat(error.getString("type")).isEqualTo("rate_limit_error");
                assertThat(Long.parseLong(response.headers().firstValue("retry-after").orElseThrow()))
                        .isBetween(1L, Long.parseLong(retryAfter));
                continue;
            }
            assertThat(error.getString("code")).isEqualTo(code);
            assertThat(error.getString("type")).isEqualTo(type);
            assertThat(response.headers().firstValue("retry-after")).isEqualTo(java.util.Optional.ofNullable(retryAfter));
        }
    }

    @Test
    void contentFilterDetailsAreKept() {
        JsonObject error = Http.error(post(chat("azure-filtered", false)));

        assertThat(error.getString("param")).isEqualTo("prompt");
        assertThat(error.getJsonObject("innererror").getString("code")).isEqualTo("ResponsibleAIPolicyViolation");
        assertThat(error.getJsonObject("innererror").getJsonObject("content_filter_result").getJsonObject("violence")
                .getBoolean("filtered")).isTrue();
    }

    @Test
    void anOllamaStreamThatBreaksEndsWithAnErrorEvent() {
        HttpResponse<String> response = post(chat("llama-break-stream", true));

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = List.of(response.body().split("\n\n"));
        assertThat(response.body()).contains("\"content\":\"partial\"").doesNotContain("[DONE]");
        assertThat(events.get(events.size() - 1)).startsWith("data: {\"error\"").contains("stream_interrupted");
    }

    @Test
    void anErrorLineInAnOllamaStreamBecomesAnErrorEvent() {
        HttpResponse<String> response = post(chat("llama-stream-error", true));

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = List.of(response.body().split("\n\n"));
        JsonObject last = new JsonObject(events.get(events.size() - 1).substring("data: ".length()));
        assertThat(last.getJsonObject("error").getString("code")).isEqualTo("upstream_stream_error");
        assertThat(last.getJsonObject("error").getString("message")).contains("unexpected EOF");
        assertThat(response.body()).doesNotContain("[DONE]");
    }

    @Test
    void anOllamaStreamOverItsTotalTimeoutIsCutAndTheUpstreamFreed() throws Exception {
        int before = OllamaAzureTestResource.ollama().cancelledStreams();
        HttpResponse<String> response = post(chat("llama-endless-short", true));

        assertThat(response.body()).contains("tick");
        List<String> events = List.of(response.body().split("\n\n"));
        assertThat(events.get(events.size() - 1)).contains("stream_interrupted");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (OllamaAzureTestResource.ollama().cancelledStreams() == before && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(OllamaAzureTestResource.ollama().cancelledStreams()).isGreaterThan(before);
    }

    @Test
    void aClientThatGoesAwayCancelsTheOllamaStream() throws Exception {
        int before = OllamaAzureTestResource.ollama().cancelledStreams();
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(URI.create(chat.toString()))
                .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(chat("llama-endless-stream", true).encode())).build();
        HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        // Closing the body mid-stream drops the connection: the gateway sees its client go away.
        try (java.io.BufferedReader reader = new java.io.BufferedReader(
                new java.io.InputStreamReader(response.body(), java.nio.charset.StandardCharsets.UTF_8))) {
            String line;
            do {
                line = reader.readLine();
            } while (line != null && !line.contains("tick"));
            assertThat(line).startsWith("data: ").contains("tick");
        }

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (OllamaAzureTestResource.ollama().cancelledStreams() == before && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(OllamaAzureTestResource.ollama().cancelledStreams()).isGreaterThan(before);
    }

    static Stream<Arguments> refusals() {
        JsonArray imageUrl = new JsonArray().add(new JsonObject().put("type", "image_url")
                .put("image_url", new JsonObject().put("url", "https://example.com/cat.png")));
        JsonArray audio = new JsonArray().add(new JsonObject().put("type", "input_audio")
                .put("input_audio", new JsonObject().put("data", "AAAA").put("format", "wav")));
        JsonArray tools = new JsonArray().add(new JsonObject().put("type", "function")
                .put("function", new JsonObject().put("name", "f").put("parameters", new JsonObject().put("type", "object"))));
        return Stream.of(
                Arguments.of("n", 2, "n"),
                Arguments.of("logprobs", true, "logprobs"),
                Arguments.of("top_logprobs", 3, "top_logprobs"),
                Arguments.of("logit_bias", new JsonObject().put("50256", -100), "logit_bias"),
                Arguments.of("web_search_options", new JsonObject(), "web_search_options"),
                Arguments.of("audio", new JsonObject().put("voice", "alloy"), "audio"),
                Arguments.of("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", imageUrl)),
                        "messages[0].content[0].image_url.url"),
                Arguments.of("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", audio)),
                        "messages[0].content[0].type"),
                Arguments.of("tool_choice", "required", "tool_choice"),
                Arguments.of("parallel_tool_calls", false, "parallel_tool_calls"),
                Arguments.of("tools", tools.copy().add(new JsonObject().put("type", "custom").put("custom", new JsonObject())), "tools[1].type"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("refusals")
    void ollamaRefusesWhatItCannotServe(String field, Object value, String param) {
        int calls = OllamaAzureTestResource.ollama().received().size();
        for (boolean stream : List.of(false, true)) {
            HttpResponse<String> response = post(chat("llama", stream).put(field, value));

            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            JsonObject error = Http.error(response);
            assertThat(error.getString("param")).isEqualTo(param);
            assertThat(error.getString("type")).isEqualTo("invalid_request_error");
            assertThat(error.getString("message")).contains("not supported by Ollama");
        }
        assertThat(OllamaAzureTestResource.ollama().received()).hasSize(calls);
    }
}
