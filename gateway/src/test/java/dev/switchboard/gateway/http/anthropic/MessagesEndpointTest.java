package dev.switchboard.gateway.http.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.switchboard.gateway.testing.AnthropicTestResource;
import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.TestTables;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/** /v1/messages on the wire: Anthropic's headers, error envelope and statuses, and its SSE event sequence. */
@QuarkusTest
@QuarkusTestResource(value = AnthropicTestResource.class, restrictToAnnotatedClass = true)
class MessagesEndpointTest {

    private static final String KEY = AnthropicTestResource.CLIENT_KEY;

    @TestHTTPResource("/v1/messages")
    URL messages;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    private static String request(String model, boolean stream, String extra) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":50,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]" + extra + "}";
    }

    private HttpResponse<String> post(String body, String... headers) throws Exception {
        return Http.post(messages.toURI(), body, headers);
    }

    /** The error object of an Anthropic error envelope; fails when the body is not one. */
    private static JsonObject anthropicError(HttpResponse<String> response) {
        JsonObject body = new JsonObject(response.body());
        assertThat(body.getString("type")).as(response.body()).isEqualTo("error");
        JsonObject error = body.getJsonObject("error");
        assertThat(error.getString("type")).isNotBlank();
        assertThat(error.getString("message")).isNotBlank().doesNotContain(TestTables.KEY_A, TestTables.KEY_B);
        return error;
    }

    record Case(String name, String body, String[] headers, int status, String type) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> errors() {
        String[] key = { "x-api-key", KEY, "anthropic-version", "2023-06-01" };
        return Stream.of(
                new Case("no key", request("claude", false, ""), new String[] { "anthropic-version", "2023-06-01" }, 401, "authentication_error"),
                new Case("unknown key", request("claude", false, ""), new String[] { "x-api-key", "sk-nope" }, 401, "authentication_error"),
                new Case("model outside the key's globs", request("claude", false, ""), new String[] { "x-api-key", AnthropicTestResource.LIMITED_KEY },
                        403, "permission_error"),
                new Case("unknown model", request("nope", false, ""), key, 404, "not_found_error"),
                new Case("not JSON", "{\"model\":", key, 400, "invalid_request_error"),
                new Case("model missing", "{\"max_tokens\":5,\"messages\":[]}", key, 400, "invalid_request_error"),
                new Case("max_tokens missing (translated)", "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", key, 400,
                        "invalid_request_error"),
                new Case("max_tokens missing (passthrough, the provider's own check)",
                        "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", key, 400, "invalid_request_error"),
                new Case("top_k to a non-Anthropic provider", request("gpt", false, ",\"top_k\":5"), key, 400, "invalid_request_error"),
                new Case("document block to a non-Anthropic provider", "{\"model\":\"gpt\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":"
                        + "[{\"type\":\"document\",\"source\":{\"type\":\"text\",\"media_type\":\"text/plain\",\"data\":\"x\"}}]}]}", key, 400, "invalid_request_error"),
                new Case("body too large", request("claude", false, ",\"metadata\":{\"user_id\":\"" + "x".repeat(TestTables.MAX_BODY_BYTES) + "\"}"), key, 413,
                        "request_too_large"),
                new Case("rate limited (translated)", request("gpt-rate-limited", false, ""), key, 429, "rate_limit_error"),
                new Case("rate limited (passthrough)", request("claude-rate-limited", false, ""), key, 429, "rate_limit_error"),
                new Case("overloaded (passthrough)", request("claude-overloaded", false, ""), key, 529, "overloaded_error"),
                new Case("server error (translated)", request("gpt-fail-500", false, ""), key, 500, "api_error"),
                new Case("provider refuses the gateway's key (translated)", request("gpt-unauthorized", false, ""), key, 502, "api_error"),
                new Case("provider refuses the gateway's key (passthrough)", request("claude-unauthorized", false, ""), key, 502, "api_error"),
                new Case("provider unreachable", request("claude-down", true, ""), key, 502, "api_error"),
                new Case("provider too slow", request("claude-slow", false, ""), key, 504, "api_error"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("errors")
    void errorsUseAnthropicsEnvelopeAndStatus(Case c) throws Exception {
        HttpResponse<String> response = post(c.body(), c.headers());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(c.status());
        assertThat(anthropicError(response).getString("type")).isEqualTo(c.type());
        if (c.status() == 429) {
            assertThat(response.headers().firstValue("retry-after")).hasValue("7");
        }
    }

    @Test
    void authorizationBearerIsAcceptedToo() throws Exception {
        HttpResponse<String> response = post(request("claude", false, ""), "authorization", "Bearer " + KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(response.body()).getString("type")).isEqualTo("message");
        assertThat(response.headers().firstValue("x-switchboard-provider")).hasValue("anthropic-main");
    }

    @Test
    void passthroughRelaysTheBodyWithOnlyTheModelRewritten() throws Exception {
        HttpResponse<String> response = post(request("claude", false, ",\"top_k\":5,\"metadata\":{\"user_id\":\"u-7\"}"), "x-api-key", KEY,
                "anthropic-version", "2023-01-01");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject sent = AnthropicTestResource.anthropic().last().body();
        assertThat(sent).isEqualTo(new JsonObject(request("claude-sim", false, ",\"top_k\":5,\"metadata\":{\"user_id\":\"u-7\"}")));
        assertThat(new JsonObject(response.body()).getString("model")).isEqualTo("claude");
    }

    @Test
    void translationCarriesImagesToolsAndSettings() throws Exception {
        String body = "{\"model\":\"gpt\",\"max_tokens\":20,\"temperature\":0.3,\"top_p\":0.8,\"stop_sequences\":[\"END\"],"
                + "\"metadata\":{\"user_id\":\"u-1\"},\"system\":[{\"type\":\"text\",\"text\":\"Be brief.\",\"cache_control\":{\"type\":\"ephemeral\"}}],"
                + "\"tools\":[{\"name\":\"look\",\"input_schema\":{\"type\":\"object\"}}],\"tool_choice\":{\"type\":\"any\",\"disable_parallel_tool_use\":true},"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is it\"},"
                + "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}},"
                + "{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://example.com/a.png\"}}]}]}";
        HttpResponse<String> response = post(body, "x-api-key", KEY);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject sent = AnthropicTestResource.openAi().last().body();
        assertThat(sent).isEqualTo(new JsonObject("{\"model\":\"upstream-gpt\",\"messages\":["
                + "{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"Be brief.\"}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is it\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\"}},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}}]}],"
                + "\"max_tokens\":20,\"temperature\":0.3,\"top_p\":0.8,\"stop\":[\"END\"],\"user\":\"u-1\","
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"look\",\"parameters\":{\"type\":\"object\"}}}],"
                + "\"tool_choice\":\"required\",\"parallel_tool_calls\":false}"));
        JsonObject message = new JsonObject(response.body());
        assertThat(message.getString("stop_reason")).isEqualTo("tool_use");
        assertThat(message.getJsonArray("content").getJsonObject(0)).isEqualTo(new JsonObject(
                "{\"type\":\"tool_use\",\"id\":\"call_1\",\"name\":\"look\",\"input\":{}}"));
        assertThat(message.getJsonObject("usage").getInteger("input_tokens")).isEqualTo(5);
        assertThat(message.getJsonObject("usage").getInteger("output_tokens")).isEqualTo(7);
    }

    static Stream<Arguments> streams() {
        return Stream.of(Arguments.of("claude", ""), Arguments.of("gpt", ""),
                Arguments.of("claude", ",\"tools\":[{\"name\":\"look\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}}],\"tool_choice\":{\"type\":\"any\"}"),
                Arguments.of("gpt", ",\"tools\":[{\"name\":\"look\",\"input_schema\":{\"type\":\"object\"}}]"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("streams")
    void streamsFollowAnthropicsEventSequence(String model, String tools) throws Exception {
        HttpResponse<String> response = post(request(model, true, tools), "x-api-key", KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        List<String> names = new ArrayList<>();
        List<JsonObject> data = new ArrayList<>();
        for (String event : response.body().split("\n\n")) {
            String[] lines = event.split("\n");
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            names.add(lines[0].substring(7));
            data.add(new JsonObject(lines[1].substring(6)));
            assertThat(data.get(data.size() - 1).getString("type")).isEqualTo(names.get(names.size() - 1));
        }
        assertThat(names.get(0)).isEqualTo("message_start");
        assertThat(names).contains("ping");
        assertThat(names.subList(names.size() - 2, names.size())).containsExactly("message_delta", "message_stop");
        assertThat(data.get(0).getJsonObject("message").getString("model")).isEqualTo(model);
        int start = names.indexOf("content_block_start");
        assertThat(data.get(start).getJsonObject("content_block").getString("type")).isEqualTo(tools.isEmpty() ? "text" : "tool_use");
        // Every block opens, gets deltas of its own kind, and closes before the next opens.
        int open = -1;
        for (int i = 0; i < names.size(); i++) {
            switch (names.get(i)) {
                case "content_block_start" -> {
                    assertThat(open).isEqualTo(-1);
                    open = data.get(i).getInteger("index");
                }
                case "content_block_delta" -> assertThat(data.get(i).getInteger("index")).isEqualTo(open);
                case "content_block_stop" -> {
                    assertThat(data.get(i).getInteger("index")).isEqualTo(open);
                    open = -1;
                }
                default -> {
                }
            }
        }
        JsonObject delta = data.get(names.size() - 2);
        assertThat(delta.getJsonObject("delta").getString("stop_reason")).isEqualTo(tools.isEmpty() ? "end_turn" : "tool_use");
        assertThat(delta.getJsonObject("usage").getInteger("output_tokens")).isPositive();
        if (!tools.isEmpty()) {
            StringBuilder json = new StringBuilder();
            data.stream().filter(d -> d.getString("type").equals("content_block_delta"))
                    .map(d -> d.getJsonObject("delta")).filter(d -> d.getString("type").equals("input_json_delta"))
                    .forEach(d -> json.append(d.getString("partial_json")));
            assertThat(new JsonObject(json.toString())).isEqualTo(new JsonObject(model.equals("gpt") ? "{}" : "{\"q\":\"there\"}"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenStreams")
    void troubleMidStreamEndsWithAnErrorEvent(String model, String type) throws Exception {
        HttpResponse<String> response = post(request(model, true, ""), "x-api-key", KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        String[] events = response.body().split("\n\n");
        String last = events[events.length - 1];
        assertThat(last).startsWith("event: error\n");
        assertThat(new JsonObject(last.substring(last.indexOf("data: ") + 6)).getJsonObject("error").getString("type")).isEqualTo(type);
        assertThat(response.body()).doesNotContain("message_stop");
    }

    static Stream<Arguments> brokenStreams() {
        return Stream.of(Arguments.of("claude-stream-error", "overloaded_error"), Arguments.of("claude-break-stream", "api_error"),
                Arguments.of("gpt-break-stream", "api_error"));
    }

    @Test
    void usageIsAccountedOnBothPaths() throws Exception {
        for (String model : List.of("claude", "gpt")) {
            assertThat(post(request(model, false, ""), "x-api-key", KEY).statusCode()).isEqualTo(200);
            assertThat(post(request(model, true, ""), "x-api-key", KEY).statusCode()).isEqualTo(200);
        }
        String metrics = Http.get(URI.create(management.toString()).resolve("/q/metrics")).body();

        assertThat(metrics).containsPattern("switchboard_tokens_total\\{direction=\"input\",model=\"claude\",provider=\"anthropic-main\"} [1-9]");
        assertThat(metrics).containsPattern("switchboard_tokens_total\\{direction=\"output\",model=\"claude\",provider=\"anthropic-main\"} [1-9]");
        assertThat(metrics).containsPattern("switchboard_tokens_total\\{direction=\"output\",model=\"gpt\",provider=\"openai-main\"} [1-9]");
        assertThat(metrics).containsPattern("switchboard_requests_total\\{endpoint=\"messages\",model=\"gpt\",provider=\"openai-main\",status=\"200\"} [1-9]");
    }

    static Stream<Arguments> endlessStreams() {
        return Stream.of(Arguments.of("/v1/messages", "claude-endless-stream", "anthropic"), Arguments.of("/v1/messages", "gpt-endless-stream", "openai"),
                Arguments.of("/v1/chat/completions", "claude-endless-stream", "anthropic"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("endlessStreams")
    void clientDisconnectCancelsTheUpstream(String path, String model, String upstream) throws Exception {
        IntSupplier cancelled = upstream.equals("anthropic")
                ? () -> AnthropicTestResource.anthropic().cancelledStreams()
                : () -> AnthropicTestResource.openAi().cancelledStreams();
        int before = cancelled.getAsInt();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(messages.toString()).resolve(path))
                .timeout(Duration.ofSeconds(30)).header("content-type", "application/json").header("x-api-key", KEY)
                .header("authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(request(model, true, ""))).build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        // Reading until the first tick, then closing the body, drops the connection mid-stream.
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            String line;
            do {
                line = reader.readLine();
            } while (line != null && !line.contains("tick"));
            assertThat(line).contains("tick");
        }

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (cancelled.getAsInt() == before && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(cancelled.getAsInt()).isGreaterThan(before);
    }

    @Test
    void wrongMethodAnswersInAnthropicsEnvelope() throws Exception {
        HttpResponse<String> response = Http.send("GET", URI.create(messages.toString()), null);

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("allow")).hasValue("POST");
        assertThat(anthropicError(response).getString("type")).isEqualTo("invalid_request_error");
    }
}
