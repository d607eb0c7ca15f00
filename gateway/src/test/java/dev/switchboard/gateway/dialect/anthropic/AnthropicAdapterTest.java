package dev.switchboard.gateway.dialect.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.switchboard.gateway.testing.AnthropicSimulator;
import dev.switchboard.gateway.testing.AnthropicTestResource;
import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.OpenAiAnswer;
import dev.switchboard.gateway.testing.TestTables;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * OpenAI chat requests through the gateway to the Anthropic provider type (AnthropicSimulator), one row per
 * feature, each streamed and not: what the simulator received (the translation) and what the client got back.
 */
@QuarkusTest
@QuarkusTestResource(value = AnthropicTestResource.class, restrictToAnnotatedClass = true)
class AnthropicAdapterTest {

    private static final String WEATHER = "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Weather for a city\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}";
    private static final String TIME = "{\"type\":\"function\",\"function\":{\"name\":\"get_time\","
            + "\"parameters\":{\"type\":\"object\",\"properties\":{\"zone\":{\"type\":\"string\"}}}}}";
    private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    @TestHTTPResource("/v1/chat/completions")
    URL chat;

    /** One feature: the request's fields after model/stream, and checks of the upstream body and of the answer. */
    record Feature(String name, String model, String fields, BiConsumer<JsonObject, OpenAiAnswer> check) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> features() {
        List<Feature> features = List.of(
                new Feature("text", "claude", "\"messages\":[{\"role\":\"user\",\"content\":\"hello claude\"}]", (sent, answer) -> {
                    assertThat(sent.getInteger("max_tokens")).isEqualTo(ChatToMessages.DEFAULT_MAX_TOKENS);
                    assertThat(sent.getString("model")).isEqualTo("claude-sim");
                    assertThat(answer.text()).isEqualTo("echo: hello claude");
                    assertThat(answer.finishReason()).isEqualTo("stop");
                }),
                new Feature("system", "claude", "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"developer\",\"content\":\"Use metric.\"},"
                        + "{\"role\":\"user\",\"content\":\"hi\"}]", (sent, answer) -> {
                            assertThat(sent.getJsonArray("system")).isEqualTo(new JsonArray(
                                    "[{\"type\":\"text\",\"text\":\"Be brief.\"},{\"type\":\"text\",\"text\":\"Use metric.\"}]"));
                            assertThat(sent.getJsonArray("messages")).hasSize(1);
                            assertThat(answer.text()).isEqualTo("echo: hi");
                        }),
                new Feature("multi-turn", "claude", "\"messages\":[{\"role\":\"user\",\"content\":\"one\"},{\"role\":\"assistant\",\"content\":\"two\"},"
                        + "{\"role\":\"user\",\"content\":\"three\"},{\"role\":\"user\",\"content\":\"four\"}]", (sent, answer) -> {
                            assertThat(sent.getJsonArray("messages").stream().map(m -> ((JsonObject) m).getString("role")))
                                    .containsExactly("user", "assistant", "user");
                            assertThat(answer.text()).isEqualTo("echo: three four");
                        }),
                new Feature("images", "claude", "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is this\"},"
                        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64," + PNG + "\"}},"
                        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]}]", (sent, answer) -> {
                            JsonArray content = sent.getJsonArray("messages").getJsonObject(0).getJsonArray("content");
                            assertThat(content.getJsonObject(1).getJsonObject("source").getString("data")).isEqualTo(PNG);
                            assertThat(answer.text()).isEqualTo("echo: what is this [image image/png] [image https://example.com/cat.png]");
                        }),
                new Feature("tools", "claude", "\"messages\":[{\"role\":\"user\",\"content\":\"weather in Oslo\"}],\"tools\":[" + WEATHER + "]",
                        (sent, answer) -> {
                            assertThat(sent.getJsonArray("tools").getJsonObject(0).getJsonObject("input_schema").getJsonArray("required")).containsExactly("city");
                            assertThat(answer.text()).isEqualTo("Calling get_weather.");
                            assertThat(answer.toolCalls()).containsExactly(new OpenAiAnswer.ToolCall("toolu_sim_1", "get_weather", "{\"city\":\"Oslo\"}"));
                            assertThat(answer.finishReason()).isEqualTo("tool_calls");
                        }),
                new Feature("parallel tool calls", "claude", "\"messages\":[{\"role\":\"user\",\"content\":\"parallel lookups for Oslo\"}],"
                        + "\"tools\":[" + WEATHER + "," + TIME + "],\"tool_choice\":\"required\"", (sent, answer) -> {
                            assertThat(sent.getJsonObject("tool_choice")).isEqualTo(new JsonObject("{\"type\":\"any\"}"));
                            assertThat(answer.toolCalls()).extracting(OpenAiAnswer.ToolCall::name).containsExactly("get_weather", "get_time");
                            assertThat(answer.toolCalls().get(1).arguments()).isEqualTo("{\"zone\":\"Oslo\"}");
                        }),
                new Feature("parallel_tool_calls false", "claude", "\"messages\":[{\"role\":\"user\",\"content\":\"parallel lookups for Oslo\"}],"
                        + "\"tools\":[" + WEATHER + "," + TIME + "],\"parallel_tool_calls\":false", (sent, answer) -> {
                            assertThat(sent.getJsonObject("tool_choice")).isEqualTo(new JsonObject("{\"type\":\"auto\",\"disable_parallel_tool_use\":true}"));
                            assertThat(answer.toolCalls()).hasSize(1);
                        }),
                new Feature("named tool_choice", "claude", "\"messages\":[{\"role\":\"user\",\"content\":\"time in Oslo\"}],"
                        + "\"tools\":[" + WEATHER + "," + TIME + "],\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}", (sent, answer) -> {
                            assertThat(answer.toolCalls()).extracting(OpenAiAnswer.ToolCall::name).containsExactly("get_time");
                            assertThat(answer.text()).isNull();
                        }),
                new Feature("tool results", "claude", "\"messages\":[{\"role\":\"user\",\"content\":\"weather in Oslo\"},"
                        + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"toolu_sim_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}]},"
                        + "{\"role\":\"tool\",\"tool_call_id\":\"toolu_sim_1\",\"content\":\"rain, 4 degrees\"}],\"tools\":[" + WEATHER + "]", (sent, answer) -> {
                            JsonObject result = sent.getJsonArray("messages").getJsonObject(2).getJsonArray("content").getJsonObject(0);
                            assertThat(result.getString("type")).isEqualTo("tool_result");
                            assertThat(answer.text()).isEqualTo("tool results: rain, 4 degrees");
                            assertThat(answer.finishReason()).isEqualTo("stop");
                        }),
                new Feature("JSON mode", "claude", "\"messages\":[{\"role\":\"user\",\"content\":\"capital of Norway: Oslo\"}],"
                        + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"capital\",\"schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}",
                        (sent, answer) -> {
                            assertThat(sent.getJsonObject("tool_choice").getString("name")).isEqualTo(ChatToMessages.JSON_TOOL);
                            assertThat(new JsonObject(answer.text())).isEqualTo(new JsonObject("{\"city\":\"Oslo\"}"));
                            assertThat(answer.toolCalls()).isEmpty();
                            assertThat(answer.finishReason()).isEqualTo("stop");
                        }),
                new Feature("stop", "claude", "\"messages\":[{\"role\":\"user\",\"content\":\"one two STOP three\"}],\"stop\":[\"STOP\"]", (sent, answer) -> {
                    assertThat(sent.getJsonArray("stop_sequences")).containsExactly("STOP");
                    assertThat(answer.text()).isEqualTo("echo: one two ");
                    assertThat(answer.finishReason()).isEqualTo("stop");
                }),
                new Feature("max_tokens", "claude", "\"messages\":[{\"role\":\"user\",\"content\":\"one two three four\"}],\"max_completion_tokens\":3", (sent, answer) -> {
                    assertThat(sent.getInteger("max_tokens")).isEqualTo(3);
                    assertThat(answer.text()).isEqualTo("echo: one two");
                    assertThat(answer.finishReason()).isEqualTo("length");
                }),
                new Feature("usage with cached tokens", "claude-cached", "\"messages\":[{\"role\":\"system\",\"content\":\"a b c d\"},{\"role\":\"user\",\"content\":\"e f\"}],"
                        + "\"stream_options\":{\"include_usage\":true}", (sent, answer) -> {
                            assertThat(answer.usage().getInteger("prompt_tokens")).isEqualTo(6);
                            assertThat(answer.usage().getJsonObject("prompt_tokens_details").getInteger("cached_tokens")).isEqualTo(5);
                            assertThat(answer.usage().getInteger("completion_tokens")).isEqualTo(3);
                            assertThat(answer.usage().getInteger("total_tokens")).isEqualTo(9);
                        }));
        return features.stream().flatMap(f -> Stream.of(Arguments.of(f, false), Arguments.of(f, true)));
    }

    @ParameterizedTest(name = "{0}, stream={1}")
    @MethodSource("features")
    void feature(Feature feature, boolean stream) throws Exception {
        String body = "{\"model\":\"" + feature.model() + "\",\"stream\":" + stream + "," + feature.fields() + "}";
        HttpResponse<String> response = Http.post(chat.toURI(), body, "authorization", "Bearer " + AnthropicTestResource.CLIENT_KEY);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith(stream ? "text/event-stream" : "application/json");
        AnthropicSimulator.Received received = AnthropicTestResource.anthropic().last();
        assertThat(received.version()).isEqualTo("2023-06-01");
        assertThat(received.apiKey()).isIn(TestTables.KEY_A, TestTables.KEY_B);
        assertThat(received.body().getValue("stream")).isEqualTo(stream);
        OpenAiAnswer answer = OpenAiAnswer.of(response, stream);
        assertThat(answer.error()).isNull();
        feature.check().accept(received.body(), answer);
        if (!stream) {
            assertThat(new JsonObject(response.body()).getString("model")).isEqualTo(feature.model());
        }
    }

    record Failure(String model, String fields, int status, String code) {
        @Override
        public String toString() {
            return model + " " + status;
        }
    }

    static Stream<Arguments> errors() {
        String hi = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        List<Failure> failures = List.of(
                new Failure("claude-rate-limited", hi, 429, "rate_limit_error"),
                new Failure("claude-overloaded", hi, 503, "overloaded_error"),
                new Failure("claude-unauthorized", hi, 502, "upstream_auth_failed"),
                new Failure("claude-forbidden", hi, 502, "upstream_auth_failed"),
                new Failure("claude-missing", hi, 404, "not_found_error"),
                new Failure("claude-too-large", hi, 413, "request_too_large"),
                new Failure("claude-fail-500", hi, 500, "api_error"),
                new Failure("claude-down", hi, 502, "upstream_connect"),
                new Failure("claude-slow", hi, 504, "upstream_timeout"),
                // Refused by the translation, naming the feature.
                new Failure("claude", hi + ",\"n\":2", 400, "unsupported_feature"),
                new Failure("claude", hi + ",\"logprobs\":true", 400, "unsupported_feature"),
                // Translated, then rejected by the upstream's own validation: its message reaches the client.
                new Failure("claude", "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"trailing \"}]", 400,
                        "invalid_request_error"));
        return failures.stream().flatMap(f -> Stream.of(Arguments.of(f, false), Arguments.of(f, true)));
    }

    @ParameterizedTest(name = "{0}, stream={1}")
    @MethodSource("errors")
    void errorClass(Failure failure, boolean stream) throws Exception {
        String body = "{\"model\":\"" + failure.model() + "\",\"stream\":" + stream + "," + failure.fields() + "}";
        HttpResponse<String> response = Http.post(chat.toURI(), body, "authorization", "Bearer " + AnthropicTestResource.CLIENT_KEY);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(failure.status());
        JsonObject error = Http.error(response);
        assertThat(error.getString("code")).isEqualTo(failure.code());
        assertThat(error.getString("message")).doesNotContain(TestTables.KEY_A, TestTables.KEY_B);
        if (failure.status() == 429) {
            assertThat(response.headers().firstValue("retry-after")).hasValue("7");
        }
        if (failure.code().equals("unsupported_feature")) {
            assertThat(error.getString("param")).isIn("n", "logprobs");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("midStream")
    void midStreamTroubleEndsWithAnErrorEvent(String model, String code) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"one two three\"}]}";
        HttpResponse<String> response = Http.post(chat.toURI(), body, "authorization", "Bearer " + AnthropicTestResource.CLIENT_KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        OpenAiAnswer answer = OpenAiAnswer.of(response, true);
        assertThat(answer.text()).isEqualTo("echo:");
        assertThat(answer.error().getString("code")).isEqualTo(code);
        assertThat(response.body()).doesNotContain("[DONE]");
    }

    static Stream<Arguments> midStream() {
        return Stream.of(Arguments.of("claude-stream-error", "overloaded_error"), Arguments.of("claude-break-stream", "stream_interrupted"));
    }

}
