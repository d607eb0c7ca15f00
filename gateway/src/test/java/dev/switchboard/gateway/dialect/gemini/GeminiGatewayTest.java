package dev.switchboard.gateway.dialect.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.switchboard.gateway.testing.GeminiSimulator;
import dev.switchboard.gateway.testing.GeminiTestResource;
import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.OpenAiStream;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Provider × feature through the real HTTP path: OpenAI JSON → gateway → Gemini adapter → {@link GeminiSimulator}
 * (which validates like the real API) and back, each case streamed and not, asserting what the client gets and
 * what Gemini received.
 */
@QuarkusTest
@QuarkusTestResource(value = GeminiTestResource.class, restrictToAnnotatedClass = true)
class GeminiGatewayTest {

    private static final String PNG = Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3, 4});

    @TestHTTPResource("/v1/chat/completions")
    URL chat;
    @TestHTTPResource("/v1/completions")
    URL completions;
    @TestHTTPResource("/v1/embeddings")
    URL embeddings;

    /** One feature: the request, and checks of the (assembled) completion and of what Gemini received. */
    record Case(String name, String model, JsonObject request, BiConsumer<JsonObject, JsonObject> check) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static GeminiSimulator gemini() {
        return GeminiTestResource.simulator();
    }

    private static JsonObject user(Object content) {
        return new JsonObject().put("role", "user").put("content", content);
    }

    private static JsonObject message(String role, String content) {
        return new JsonObject().put("role", role).put("content", content);
    }

    private static JsonObject chatRequest(JsonObject... messages) {
        return new JsonObject().put("messages", new JsonArray(List.of((Object[]) messages)));
    }

    private static JsonObject tool(String name, String property) {
        return new JsonObject().put("type", "function").put("function", new JsonObject().put("name", name)
                .put("description", "tool " + name)
                .put("parameters", new JsonObject().put("type", "object").put("additionalProperties", false)
                        .put("properties", new JsonObject().put(property, new JsonObject().put("type", "string")))
                        .put("required", new JsonArray().add(property))));
    }

    private static JsonObject message(JsonObject completion) {
        return completion.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
    }

    private static String content(JsonObject completion) {
        return message(completion).getString("content");
    }

    private static String finish(JsonObject completion) {
        return completion.getJsonArray("choices").getJsonObject(0).getString("finish_reason");
    }

    static Stream<Case> features() {
        JsonArray tools = new JsonArray().add(tool("get_weather", "city")).add(tool("get_time", "zone"));
        return Stream.of(
                new Case("text", "gemini-chat", chatRequest(user("hello gemini")), (out, got) -> {
                    assertThat(content(out)).isEqualTo("echo: hello gemini");
                    assertThat(finish(out)).isEqualTo("stop");
                    assertThat(got.getJsonArray("contents")).isEqualTo(new JsonArray().add(new JsonObject().put("role", "user")
                            .put("parts", new JsonArray().add(new JsonObject().put("text", "hello gemini")))));
                }),
                new Case("system and developer", "gemini-chat",
                        chatRequest(message("system", "be brief"), message("developer", "answer in English"), user("hi")), (out, got) -> {
                            assertThat(content(out)).isEqualTo("echo: hi");
                            assertThat(got.getJsonObject("systemInstruction").getJsonArray("parts")).isEqualTo(new JsonArray()
                                    .add(new JsonObject().put("text", "be brief")).add(new JsonObject().put("text", "answer in English")));
                        }),
                new Case("multi-turn", "gemini-chat",
                        chatRequest(user("first"), message("assistant", "reply"), user("second"), user("third")), (out, got) -> {
                            assertThat(content(out)).isEqualTo("echo: second third");
                            assertThat(got.getJsonArray("contents").stream().map(c -> ((JsonObject) c).getString("role")))
                                    .containsExactly("user", "model", "user");
                        }),
                new Case("images", "gemini-chat", chatRequest(user(new JsonArray()
                        .add(new JsonObject().put("type", "text").put("text", "look"))
                        .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", "data:image/png;base64," + PNG)))
                        .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", "https://example.com/cat.jpg"))))),
                        (out, got) -> assertThat(content(out))
                                .isEqualTo("echo: look [inline image/png 8 bytes] [file image/jpeg https://example.com/cat.jpg]")),
                new Case("tools", "gemini-chat", chatRequest(user("weather in Oslo?")).put("tools", tools), (out, got) -> {
                    JsonArray calls = message(out).getJsonArray("tool_calls");
                    assertThat(calls).hasSize(1);
                    assertThat(calls.getJsonObject(0).getJsonObject("function"))
                            .isEqualTo(new JsonObject().put("name", "get_weather").put("arguments", "{\"city\":\"city-0\"}"));
                    assertThat(calls.getJsonObject(0).getString("id")).startsWith("call_");
                    assertThat(finish(out)).isEqualTo("tool_calls");
                    JsonObject parameters = got.getJsonArray("tools").getJsonObject(0).getJsonArray("functionDeclarations")
                            .getJsonObject(0).getJsonObject("parameters");
                    assertThat(parameters.getString("type")).isEqualTo("OBJECT");
                    assertThat(parameters.containsKey("additionalProperties")).isFalse();
                }),
                new Case("parallel tool calls", "gemini-chat", chatRequest(user("parallel please")).put("tools", tools), (out, got) -> {
                    JsonArray calls = message(out).getJsonArray("tool_calls");
                    assertThat(calls.stream().map(c -> ((JsonObject) c).getJsonObject("function").getString("name")))
                            .containsExactly("get_weather", "get_time");
                    assertThat(calls.getJsonObject(0).getString("id")).isNotEqualTo(calls.getJsonObject(1).getString("id"));
                }),
                new Case("tool_choice names a function", "gemini-chat", chatRequest(user("what time?")).put("tools", tools)
                        .put("tool_choice", new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "get_time"))),
                        (out, got) -> {
                            assertThat(message(out).getJsonArray("tool_calls").getJsonObject(0).getJsonObject("function").getString("name"))
                                    .isEqualTo("get_time");
                            assertThat(got.getJsonObject("toolConfig")).isEqualTo(new JsonObject().put("functionCallingConfig",
                                    new JsonObject().put("mode", "ANY").put("allowedFunctionNames", new JsonArray().add("get_time"))));
                        }),
                new Case("tool_choice none", "gemini-chat", chatRequest(user("no tools")).put("tools", tools).put("tool_choice", "none"),
                        (out, got) -> assertThat(content(out)).isEqualTo("echo: no tools")),
                new Case("JSON mode", "gemini-chat", chatRequest(user("as json")).put("response_format", new JsonObject().put("type", "json_object")),
                        (out, got) -> {
                            assertThat(new JsonObject(content(out))).isEqualTo(new JsonObject().put("echo", "echo: as json"));
                            assertThat(got.getJsonObject("generationConfig").getString("responseMimeType")).isEqualTo("application/json");
                        }),
                new Case("JSON schema", "gemini-chat", chatRequest(user("structured")).put("response_format", new JsonObject()
                        .put("type", "json_schema").put("json_schema", new JsonObject().put("name", "answer").put("strict", true)
                                .put("schema", new JsonObject().put("type", "object").put("additionalProperties", false)
                                        .put("properties", new JsonObject().put("word", new JsonObject().put("type", "string"))
                                                .put("count", new JsonObject().put("type", "integer")))
                                        .put("required", new JsonArray().add("word").add("count"))))),
                        (out, got) -> {
                            assertThat(new JsonObject(content(out))).isEqualTo(new JsonObject().put("word", "echo: structured").put("count", 7));
                            assertThat(got.getJsonObject("generationConfig").getJsonObject("responseSchema").getJsonArray("propertyOrdering"))
                                    .containsExactly("word", "count");
                        }),
                new Case("stop", "gemini-chat", chatRequest(user("hello gemini")).put("stop", new JsonArray().add("gemini")), (out, got) -> {
                    assertThat(content(out)).isEqualTo("echo: hello ");
                    assertThat(finish(out)).isEqualTo("stop");
                    assertThat(got.getJsonObject("generationConfig").getJsonArray("stopSequences")).containsExactly("gemini");
                }),
                new Case("max_completion_tokens", "gemini-chat", chatRequest(user("one two three four")).put("max_completion_tokens", 2)
                        .put("temperature", 0.2).put("top_p", 0.9), (out, got) -> {
                            assertThat(content(out)).isEqualTo("echo: one ");
                            assertThat(finish(out)).isEqualTo("length");
                            assertThat(got.getJsonObject("generationConfig")).isEqualTo(new JsonObject()
                                    .put("maxOutputTokens", 2).put("temperature", 0.2).put("topP", 0.9));
                        }),
                new Case("usage with cached tokens", "gemini-cached", chatRequest(user("count these four words"))
                        .put("stream_options", new JsonObject().put("include_usage", true)), (out, got) -> {
                            JsonObject usage = out.getJsonObject("usage");
                            assertThat(usage.getInteger("prompt_tokens")).isEqualTo(4);
                            assertThat(usage.getInteger("completion_tokens")).isEqualTo(5);
                            assertThat(usage.getInteger("total_tokens")).isEqualTo(9);
                            assertThat(usage.getJsonObject("prompt_tokens_details").getInteger("cached_tokens")).isEqualTo(2);
                        }),
                new Case("reasoning_effort on Gemini 2.5", "gemini-chat", chatRequest(user("why")).put("reasoning_effort", "high"), (out, got) -> {
                    assertThat(got.getJsonObject("generationConfig").getJsonObject("thinkingConfig"))
                            .isEqualTo(new JsonObject().put("thinkingBudget", 24576).put("includeThoughts", true));
                    assertThat(message(out).getString("reasoning_content")).isEqualTo("Thinking at 24576 about it. ");
                    assertThat(content(out)).isEqualTo("echo: why");
                }),
                new Case("reasoning_effort on Gemini 3", "gemini-3", chatRequest(user("why")).put("reasoning_effort", "low")
                        .put("stream_options", new JsonObject().put("include_usage", true)), (out, got) -> {
                            assertThat(got.getJsonObject("generationConfig").getJsonObject("thinkingConfig"))
                                    .isEqualTo(new JsonObject().put("thinkingLevel", "low").put("includeThoughts", true));
                            assertThat(message(out).getString("reasoning_content")).isEqualTo("Thinking at low about it. ");
                            assertThat(out.getJsonObject("usage").getJsonObject("completion_tokens_details").getInteger("reasoning_tokens"))
                                    .isEqualTo(5);
                        }),
                new Case("blocked prompt", "gemini-blocked", chatRequest(user("forbidden words")),
                        (out, got) -> assertThat(finish(out)).isEqualTo("content_filter")),
                new Case("unsafe answer", "gemini-unsafe", chatRequest(user("risky")),
                        (out, got) -> assertThat(finish(out)).isEqualTo("content_filter")));
    }

    static Stream<Arguments> featuresStreamedAndNot() {
        return features().flatMap(c -> Stream.of(Arguments.of(c, false), Arguments.of(c, true)));
    }

    private HttpResponse<String> post(URL url, JsonObject body) {
        return Http.post(URI.create(url.toString()), body.encode());
    }

    @ParameterizedTest(name = "{0}, stream={1}")
    @MethodSource("featuresStreamedAndNot")
    void feature(Case c, boolean stream) {
        JsonObject request = c.request().copy().put("model", c.model()).put("stream", stream);
        if (!stream) {
            request.remove("stream_options");
        }
        HttpResponse<String> response = post(chat, request);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-switchboard-provider")).hasValue("gemini");
        JsonObject completion;
        if (stream) {
            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
            OpenAiStream events = OpenAiStream.parse(response.body());
            assertThat(events.done).as(response.body()).isTrue();
            assertThat(events.error).isNull();
            completion = events.assemble();
        } else {
            completion = new JsonObject(response.body());
            assertThat(completion.getString("object")).isEqualTo("chat.completion");
            assertThat(completion.getJsonObject("usage").getInteger("total_tokens")).isPositive();
        }
        assertThat(completion.getString("model")).isEqualTo(c.model());
        GeminiSimulator.Received got = gemini().last();
        assertThat(got.method()).isEqualTo(stream ? "streamGenerateContent" : "generateContent");
        assertThat(got.apiKey()).isEqualTo(GeminiTestResource.KEY);
        assertThat(got.query()).isEqualTo(stream ? "alt=sse" : null);
        c.check().accept(completion, got.body());
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of("gemini-rate-limited", 429, "rate_limit_exceeded", "7"),
                Arguments.of("gemini-overloaded", 503, "unavailable", null),
                Arguments.of("gemini-fail", 500, "internal", null),
                Arguments.of("gemini-bad", 400, "invalid_argument", null),
                Arguments.of("gemini-missing", 404, "not_found", null),
                // The provider refused the gateway's key: not the client's fault, and its body is not passed on.
                Arguments.of("gemini-forbidden", 502, "upstream_auth_failed", null),
                Arguments.of("gemini-unauthenticated", 502, "upstream_auth_failed", null),
                Arguments.of("gemini-revoked", 502, "upstream_auth_failed", null));
    }

    static Stream<Arguments> errorsStreamedAndNot() {
        return errors().flatMap(a -> Stream.of(Arguments.of(a.get()[0], a.get()[1], a.get()[2], a.get()[3], false),
                Arguments.of(a.get()[0], a.get()[1], a.get()[2], a.get()[3], true)));
    }

    @ParameterizedTest(name = "{0} → {1}, stream={4}")
    @MethodSource("errorsStreamedAndNot")
    void errorClasses(String model, int status, String code, String retryAfter, boolean stream) {
        HttpResponse<String> response = post(chat, chatRequest(user("hi")).put("model", model).put("stream", stream));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.body()).doesNotContain(GeminiTestResource.KEY).doesNotContain("AIzaSy-revoked");
        if (status == 429 && stream) {
            // The non-streamed case ran first and its 429 cooled the key down for this model: until Retry-After has
            // passed the gateway answers for the provider instead of calling it again.
            assertThat(Http.error(response).getString("code")).isEqualTo("upstream_rate_limited");
            assertThat(Long.parseLong(response.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, Long.parseLong(retryAfter));
            return;
        }
        assertThat(Http.error(response).getString("code")).isEqualTo(code);
        assertThat(response.headers().firstValue("retry-after")).isEqualTo(java.util.Optional.ofNullable(retryAfter));
    }

    /** A 200 whose candidate content is not an object cannot be translated: a typed 502 at once, not a wait for the deadline. */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void anAnswerGeminiSentMalformedIsATyped502(boolean stream) {
        HttpResponse<String> response = post(chat, chatRequest(user("hi")).put("model", "gemini-malformed").put("stream", stream));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
        assertThat(Http.error(response).getString("code")).isEqualTo("upstream_invalid_response");
    }

    @Test
    void aStreamThatBreaksEndsWithAnErrorEventNotASilentTruncation() {
        HttpResponse<String> response = post(chat, chatRequest(user("one two three four five")).put("model", "gemini-break").put("stream", true));

        OpenAiStream events = OpenAiStream.parse(response.body());
        assertThat(events.chunks).isNotEmpty();
        assertThat(events.done).isFalse();
        assertThat(events.error.getString("code")).isEqualTo("stream_interrupted");
    }

    @Test
    void clientDisconnectCancelsTheGeminiStream() throws Exception {
        int cancelledBefore = gemini().cancelledStreams();
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(URI.create(chat.toString()))
                .timeout(java.time.Duration.ofSeconds(30)).header("content-type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        chatRequest(user("go on")).put("model", "gemini-endless").put("stream", true).encode())).build();
        HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        // Closing the body mid-stream drops the connection: the gateway sees its client go away.
        try (java.io.BufferedReader reader = new java.io.BufferedReader(new java.io.InputStreamReader(response.body(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            assertThat(reader.readLine()).startsWith("data: ").contains("tick");
        }

        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (gemini().cancelledStreams() == cancelledBefore && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(gemini().cancelledStreams()).isGreaterThan(cancelledBefore);
    }

    @Test
    void theProvidersFirstByteTimeoutApplies() {
        HttpResponse<String> response = post(chat, chatRequest(user("hi")).put("model", "gemini-slow"));

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(Http.error(response).getString("code")).isEqualTo("upstream_timeout");
    }

    @Test
    void toolResultsGoBackAsFunctionResponsesWithTheThoughtSignatureOfTheCall() {
        JsonArray tools = new JsonArray().add(tool("get_weather", "city"));
        JsonObject first = new JsonObject(post(chat, chatRequest(user("weather?")).put("tools", tools).put("model", "gemini-chat")).body());
        JsonObject call = message(first).getJsonArray("tool_calls").getJsonObject(0);
        JsonObject assistant = new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", new JsonArray().add(call));
        JsonObject result = new JsonObject().put("role", "tool").put("tool_call_id", call.getString("id")).put("content", "{\"celsius\":21}");

        JsonObject second = new JsonObject(post(chat, chatRequest(user("weather?"), assistant, result).put("tools", tools)
                .put("model", "gemini-chat")).body());

        assertThat(content(second)).isEqualTo("result: [{\"name\":\"get_weather\",\"response\":{\"celsius\":21}}]");
        JsonArray contents = gemini().last().body().getJsonArray("contents");
        JsonObject modelTurn = contents.getJsonObject(1).getJsonArray("parts").getJsonObject(0);
        assertThat(modelTurn.getJsonObject("functionCall").getString("name")).isEqualTo("get_weather");
        assertThat(new String(Base64.getDecoder().decode(modelTurn.getString("thoughtSignature")))).isEqualTo("sig-get_weather-0");
        assertThat(contents.getJsonObject(2).getString("role")).isEqualTo("user");
    }

    @Test
    void severalCandidatesBecomeSeveralChoices() {
        JsonObject out = new JsonObject(post(chat, chatRequest(user("twice")).put("model", "gemini-chat").put("n", 2)).body());

        assertThat(out.getJsonArray("choices").stream().map(c -> ((JsonObject) c).getJsonObject("message").getString("content")))
                .containsExactly("echo: twice", "echo: twice (candidate 1)");
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of(chatRequest(user("x")).put("logprobs", true), "logprobs"),
                Arguments.of(chatRequest(user(new JsonArray().add(new JsonObject().put("type", "image_url")
                        .put("image_url", new JsonObject().put("url", "http://insecure.example.com/a.png"))))), "messages[0].content[0].image_url.url"),
                Arguments.of(chatRequest(user("x")).put("n", 2).put("stream", true), "n"),
                Arguments.of(chatRequest(user("x")).put("parallel_tool_calls", false).put("tools", new JsonArray().add(tool("f", "a"))), "parallel_tool_calls"),
                Arguments.of(chatRequest(user("x")).put("tools", new JsonArray().add(new JsonObject().put("type", "function")
                        .put("function", new JsonObject().put("name", "f").put("parameters", new JsonObject().put("type", "object")
                                .put("properties", new JsonObject().put("a", new JsonObject().put("type", "number").put("multipleOf", 2))))))),
                        "tools[0].function.parameters"));
    }

    @ParameterizedTest(name = "refuses {1}")
    @MethodSource("refusals")
    void untranslatableRequestsAreRefusedNamingTheFeature(JsonObject request, String param) {
        int before = gemini().received().size();
        HttpResponse<String> response = post(chat, request.put("model", "gemini-chat"));

        assertThat(response.statusCode()).isEqualTo(400);
        JsonObject error = Http.error(response);
        assertThat(error.getString("code")).isEqualTo("unsupported_feature");
        assertThat(error.getString("param")).isEqualTo(param);
        assertThat(error.getString("message")).contains("Gemini");
        assertThat(gemini().received()).hasSize(before);
    }

    @Test
    void anUnknownToolCallIdIsABadRequest() {
        HttpResponse<String> response = post(chat, chatRequest(user("x"),
                new JsonObject().put("role", "tool").put("tool_call_id", "call_nowhere").put("content", "1")).put("model", "gemini-chat"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.error(response).getString("param")).isEqualTo("messages[1].tool_call_id");
    }

    @ParameterizedTest(name = "stream={0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void completionsBecomeOneUserTurn(boolean stream) {
        HttpResponse<String> response = post(completions, new JsonObject().put("model", "gemini-chat").put("prompt", "complete me")
                .put("max_tokens", 50).put("stream", stream));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String text;
        if (stream) {
            StringBuilder joined = new StringBuilder();
            assertThat(response.body()).endsWith("data: [DONE]\n\n");
            for (String event : response.body().split("\n\n")) {
                if (!event.equals("data: [DONE]")) {
                    JsonObject chunk = new JsonObject(event.substring(6));
                    assertThat(chunk.getString("object")).isEqualTo("text_completion");
                    joined.append(chunk.getJsonArray("choices").getJsonObject(0).getString("text"));
                }
            }
            text = joined.toString();
        } else {
            JsonObject out = new JsonObject(response.body());
            assertThat(out.getString("object")).isEqualTo("text_completion");
            text = out.getJsonArray("choices").getJsonObject(0).getString("text");
        }
        assertThat(text).isEqualTo("echo: complete me");
        assertThat(gemini().last().body().getJsonObject("generationConfig").getInteger("maxOutputTokens")).isEqualTo(50);
    }

    @Test
    void embeddingsGoThroughBatchEmbedContentsAsFloatsOrBase64() {
        JsonObject floats = new JsonObject(post(embeddings, new JsonObject().put("model", "gemini-embedding")
                .put("input", new JsonArray().add("alpha").add("beta")).put("dimensions", 4)).body());
        GeminiSimulator.Received got = gemini().last();
        JsonObject base64 = new JsonObject(post(embeddings, new JsonObject().put("model", "gemini-embedding")
                .put("input", "alpha").put("dimensions", 4).put("encoding_format", "base64")).body());

        assertThat(got.method()).isEqualTo("batchEmbedContents");
        assertThat(got.body().getJsonArray("requests").getJsonObject(0).getInteger("outputDimensionality")).isEqualTo(4);
        assertThat(floats.getString("object")).isEqualTo("list");
        assertThat(floats.getString("model")).isEqualTo("gemini-embedding");
        assertThat(floats.getJsonArray("data")).hasSize(2);
        JsonArray alpha = floats.getJsonArray("data").getJsonObject(0).getJsonArray("embedding");
        assertThat(alpha).hasSize(4);
        java.nio.ByteBuffer decoded = java.nio.ByteBuffer.wrap(Base64.getDecoder().decode(
                base64.getJsonArray("data").getJsonObject(0).getString("embedding"))).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 4; i++) {
            assertThat(decoded.getFloat()).isEqualTo(alpha.getNumber(i).floatValue());
        }
        assertThat(floats.getJsonObject("usage").containsKey("prompt_tokens")).isTrue();
    }

    static Stream<Arguments> capabilities() {
        JsonObject image = chatRequest(user(new JsonArray().add(new JsonObject().put("type", "image_url")
                .put("image_url", new JsonObject().put("url", "data:image/png;base64," + PNG)))));
        JsonObject tools = chatRequest(user("x")).put("tools", new JsonArray().add(tool("f", "a")));
        return Stream.of(
                Arguments.of("text-only", image, 400, "Images"),
                Arguments.of("text-only", tools, 400, "Tools"),
                Arguments.of("text-only", chatRequest(user("plain text")), 200, null),
                Arguments.of("vision", image, 200, null),
                Arguments.of("vision", tools, 200, null));
    }

    @ParameterizedTest(name = "{0} with {3} → {2}")
    @MethodSource("capabilities")
    void declaredCapabilitiesRefuseWhatTheModelCannotServe(String model, JsonObject request, int status, String feature) {
        int before = gemini().received().size();
        HttpResponse<String> response = post(chat, request.copy().put("model", model));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        if (status == 400) {
            JsonObject error = Http.error(response);
            assertThat(error.getString("type")).isEqualTo("invalid_request_error");
            assertThat(error.getString("code")).isEqualTo("unsupported_feature");
            assertThat(error.getString("message")).contains("`" + model + "`").containsIgnoringCase(feature.equals("Images") ? "image" : "tools");
            assertThat(gemini().received()).as("nothing reaches the provider").hasSize(before);
        } else {
            assertThat(gemini().received()).hasSize(before + 1);
        }
    }

    @Test
    void aTargetThatCannotServeTheRequestIsSkippedForOneThatCan() {
        JsonObject image = chatRequest(user(new JsonArray().add(new JsonObject().put("type", "image_url")
                .put("image_url", new JsonObject().put("url", "data:image/png;base64," + PNG)))));

        HttpResponse<String> text = post(chat, chatRequest(user("plain text")).put("model", "mixed"));
        HttpResponse<String> withImage = post(chat, image.put("model", "mixed"));

        assertThat(text.statusCode()).as(text.body()).isEqualTo(200);
        assertThat(text.headers().firstValue("x-switchboard-provider")).as("the preferred tier serves plain text").hasValue("gemini-lite");
        assertThat(withImage.statusCode()).as(withImage.body()).isEqualTo(200);
        assertThat(withImage.headers().firstValue("x-switchboard-provider")).as("the text-only tier is skipped").hasValue("gemini");
        assertThat(withImage.headers().firstValue("x-switchboard-attempts")).hasValue("1");
    }
}
