package dev.switchboard.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.OllamaAzureTestResource;
import dev.switchboard.gateway.testing.OpenAiStream;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Provider × feature × streaming, through the real HTTP path: an OpenAI request to the gateway, translated (Ollama)
 * or readdressed (Azure OpenAI) to the simulator, and the answer back in OpenAI's shape. Streams are checked for
 * OpenAI's event order: the role first, deltas, the finish reason, the usage chunk when asked for, then [DONE].
 */
@QuarkusTest
@QuarkusTestResource(value = OllamaAzureTestResource.class, restrictToAnnotatedClass = true)
class ProviderTranslationTest {

    @TestHTTPResource("/v1/chat/completions")
    URL chat;

    static Stream<Arguments> providersAndModes() {
        return Stream.of("llama", "azure").flatMap(model -> Stream.of(Arguments.of(model, false), Arguments.of(model, true)));
    }

    /** A tool call as the client assembles it. */
    record Call(String id, String name, String arguments) {
    }

    /** What the client got, streamed or not. */
    record Answer(String content, List<Call> calls, String finishReason, JsonObject usage) {
    }

    private static JsonObject user(Object content) {
        return new JsonObject().put("role", "user").put("content", content);
    }

    private static JsonObject request(String model, boolean stream, JsonObject... messages) {
        JsonObject body = new JsonObject().put("model", model).put("messages", new JsonArray(List.of((Object[]) messages)));
        return stream ? body.put("stream", true) : body;
    }

    private Answer send(JsonObject body) {
        HttpResponse<String> response = Http.post(URI.create(chat.toString()), body.encode());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        if (!Boolean.TRUE.equals(body.getValue("stream"))) {
            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            JsonObject completion = new JsonObject(response.body());
            assertThat(completion.getString("object")).isEqualTo("chat.completion");
            assertThat(completion.getString("model")).isEqualTo(body.getString("model"));
            JsonObject choice = completion.getJsonArray("choices").getJsonObject(0);
            JsonObject message = choice.getJsonObject("message");
            assertThat(message.getString("role")).isEqualTo("assistant");
            List<Call> calls = new ArrayList<>();
            for (Object c : message.getJsonArray("tool_calls", new JsonArray())) {
                JsonObject call = (JsonObject) c;
                assertThat(call.getString("type")).isEqualTo("function");
                calls.add(new Call(call.getString("id"), call.getJsonObject("function").getString("name"),
                        call.getJsonObject("function").getString("arguments")));
            }
            return new Answer(message.getString("content"), calls, choice.getString("finish_reason"), completion.getJsonObject("usage"));
        }
        return assemble(response, body);
    }

    /** Reassembles a stream the way an SDK does, asserting OpenAI's order on the way. */
    private static Answer assemble(HttpResponse<String> response, JsonObject body) {
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        List<String> events = List.of(response.body().split("\n\n"));
        assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");
        StringBuilder content = new StringBuilder();
        TreeMap<Integer, String[]> calls = new TreeMap<>();
        String finishReason = null;
        JsonObject usage = null;
        boolean roleSeen = false;
        for (String event : events.subList(0, events.size() - 1)) {
            assertThat(event).startsWith("data: ");
            JsonObject chunk = new JsonObject(event.substring(6));
            assertThat(usage).as("nothing may follow the usage chunk but [DONE]").isNull();
            JsonArray choices = chunk.getJsonArray("choices");
            if (chunk.getValue("usage") instanceof JsonObject u) {
                assertThat(choices).isEmpty();
                assertThat(finishReason).as("usage comes after the finish reason").isNotNull();
                usage = u;
                continue;
            }
            if (choices.isEmpty()) {
                continue; // Azure's prompt filter results open its streams.
            }
            assertThat(chunk.getString("object")).isEqualTo("chat.completion.chunk");
            assertThat(chunk.getString("model")).isEqualTo(body.getString("model"));
            JsonObject choice = choices.getJsonObject(0);
            JsonObject delta = choice.getJsonObject("delta");
            if (!roleSeen) {
                assertThat(delta.getString("role")).as("the role comes first").isEqualTo("assistant");
                roleSeen = true;
            }
            assertThat(finishReason).as("nothing follows the finish reason but usage").isNull();
            if (delta.getValue("content") instanceof String text) {
                content.append(text);
            }
            for (Object c : delta.getJsonArray("tool_calls", new JsonArray())) {
                JsonObject call = (JsonObject) c;
                String[] assembled = calls.computeIfAbsent(call.getInteger("index"), i -> new String[] {null, null, ""});
                JsonObject function = call.getJsonObject("function", new JsonObject());
                if (call.getString("id") != null) {
                    assembled[0] = call.getString("id");
                    assembled[1] = function.getString("name");
                }
                assembled[2] += function.getString("arguments", "");
            }
            finishReason = choice.getString("finish_reason");
        }
        assertThat(roleSeen).isTrue();
        List<Call> toolCalls = calls.values().stream().map(c -> new Call(c[0], c[1], c[2])).toList();
        assertThat(calls.keySet()).as("tool call indexes run from 0").containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, calls.size()).boxed().toList());
        return new Answer(content.isEmpty() && !toolCalls.isEmpty() ? null : content.toString(), toolCalls, finishReason, usage);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void ollamaThinksWhenAskedForAReasoningEffortAndItsThinkingComesBackAsReasoningContent(boolean stream) {
        JsonObject body = request("llama", stream, user("why")).put("reasoning_effort", "medium");
        HttpResponse<String> response = Http.post(URI.create(chat.toString()), body.encode());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject message = stream ? OpenAiStream.parse(response.body()).assemble().getJsonArray("choices").getJsonObject(0).getJsonObject("message")
                : new JsonObject(response.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message");
        assertThat(message.getString("reasoning_content")).isEqualTo("Thinking about it.");
        assertThat(message.getString("content")).isEqualTo("echo: why");
        assertThat(OllamaAzureTestResource.ollama().last().body().getValue("think")).isEqualTo(true);
    }

    @ParameterizedTest(name = "{0} stream={1}")
    @MethodSource("providersAndModes")
    void text(String model, boolean stream) {
        Answer answer = send(request(model, stream, user("hello there")));

        assertThat(answer.content()).isEqualTo("echo: hello there");
        assertThat(answer.finishReason()).isEqualTo("stop");
        assertThat(answer.calls()).isEmpty();
    }

    @ParameterizedTest(name = "{0} stream={1}")
    @MethodSource("providersAndModes")
    void systemAndDeveloperMessages(String model, boolean stream) {
        Answer answer = send(request(model, stream, new JsonObject().put("role", "system").put("content", "be brief"),
                new JsonObject().put("role", "developer").put("content", "no jokes"), user("hi")));

        assertThat(answer.content()).isEqualTo("echo: hi [system: be brief no jokes]");
    }

    @ParameterizedTest(name = "{0} stream={1}")
    @MethodSource("providersAndModes")
    void multiTurnHistory(String model, boolean stream) {
        Answer answer = send(request(model, stream, user("first"),
                new JsonObject().put("role", "assistant").put("content", "echo: first"), user("second")));

        assertThat(answer.content()).isEqualTo("echo: second [turns: 2]");
    }

    @ParameterizedTest(name = "{0} stream={1}")
    @MethodSource("providersAndModes")
    void imagesAsDataUris(String model, boolean stream) {
        JsonArray parts = new JsonArray()
                .add(new JsonObject().put("type", "text").put("text", "what is this"))
                .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", "data:image/png;base64,iVBORw0KGgo=")))
                .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", "data:image/jpeg;base64,/9j/4AAQ")));
        Answer answer = send(request(model, stream, user(parts)));

        assertThat(answer.content()).isEqualTo("echo: what is this [images: 2]");
        if (model.equals("llama")) {
            JsonObject sent = OllamaAzureTestResource.ollama().last().body().getJsonArray("messages").getJsonObject(0);
            assertThat(sent.getJsonArray("images")).containsExactly("iVBORw0KGgo=", "/9j/4AAQ");
            assertThat(sent.getString("content")).isEqualTo("what is this");
        }
    }

    private static JsonObject tool(String name, String parameter) {
        return new JsonObject().put("type", "function").put("function", new JsonObject().put("name", name)
                .put("description", "Looks up " + parameter)
                .put("parameters", new JsonObject().put("type", "object").put("properties",
                        new JsonObject().put(parameter, new JsonObject().put("type", "string"))).put("required", new JsonArray().add(parameter))));
    }

    @ParameterizedTest(name = "{0} stream={1}")
    @MethodSource("providersAndModes")
    void toolCalls(String model, boolean stream) {
        Answer answer = send(request(model, stream, user("weather in Oslo")).put("tools", new JsonArray().add(tool("get_weather", "city"))));

        assertThat(answer.finishReason()).isEqualTo("tool_calls");
        assertThat(answer.content()).isNull();
        assertThat(answer.calls()).hasSize(1);
        Call call = answer.calls().get(0);
        assertThat(call.id()).isNotBlank();
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(new JsonObject(call.arguments())).isEqualTo(new JsonObject().put("city", "weather in Oslo"));
    }

    @ParameterizedTest(name = "{0} stream={1}")
    @MethodSource("providersAndModes")
    void parallelToolCalls(String model, boolean stream) {
        Answer answer = send(request(model, stream, user("parallel lookups"))
                .put("tools", new JsonArray().add(tool("get_weather", "city")).add(tool("get_time", "zone"))));

        assertThat(answer.calls()).extracting(Call::name).containsExactly("get_weather", "get_time");
        assertThat(answer.calls()).extracting(Call::id).doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).isNotBlank());
        assertThat(new JsonObject(answer.calls().get(1).arguments())).isEqualTo(new JsonObject().put("zone", "parallel lookups"));
    }

    @ParameterizedTest(name = "{0} stream={1}")
    @MethodSource("providersAndModes")
    void toolResultsGoBack(String model, boolean stream) {
        JsonObject call = new JsonObject().put("id", "call_abc").put("type", "function")
                .put("function", new JsonObject().put("name", "get_weather").put("arguments", "{\"city\":\"Oslo\"}"));
        Answer answer = send(request(model, stream, user("weather in Oslo"),
                new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", new JsonArray().add(call)),
                new JsonObject().put("role", "tool").put("tool_call_id", "call_abc").put("content", "sunny"))
                .put("tools", new JsonArray().add(tool("get_weather", "city"))));

        assertThat(answer.content()).isEqualTo(model.equals("llama") ? "tool get_weather said: sunny" : "tool said: sunny");
        if (model.equals("llama")) {
            JsonObject sent = OllamaAzureTestResource.ollama().last().body().getJsonArray("messages").getJsonObject(1);
            assertThat(sent.getJsonArray("tool_calls").getJsonObject(0).getJsonObject("function").getJsonObject("arguments"))
                    .isEqualTo(new JsonObject().put("city", "Oslo"));
        }
    }

    @ParameterizedTest(name = "{0} stream={1}")
    @MethodSource("providersAndModes")
    void jsonMode(String model, boolean stream) {
        Answer answer = send(request(model, stream, user("give json"))
                .put("response_format", new JsonObject().put("type", "json_object")));

        assertThat(new JsonObject(answer.content())).isEqualTo(new JsonObject().put("echo", "give json"));
        if (model.equals("llama")) {
            assertThat(OllamaAzureTestResource.ollama().last().body().getValue("format")).isEqualTo("json");
        }
    }

    @ParameterizedTest(name = "{0} stream={1}")
    @MethodSource("providersAndModes")
    void stopSequences(String model, boolean stream) {
        Answer answer = send(request(model, stream, user("one two three four")).put("stop", new JsonArray().add("three")));

        assertThat(answer.content()).isEqualTo("echo: one two ");
        assertThat(answer.finishReason()).isEqualTo("stop");
    }

    @ParameterizedTest(name = "{0} stream={1}")
    @MethodSource("providersAndModes")
    void tokenLimitEndsWithLength(String model, boolean stream) {
        Answer answer = send(request(model, stream, user("one two three four")).put("max_completion_tokens", 3));

        assertThat(answer.content()).isEqualTo("echo: one two");
        assertThat(answer.finishReason()).isEqualTo("length");
    }

    @ParameterizedTest(name = "{0} stream={1}")
    @MethodSource("providersAndModes")
    void usageIsReportedWhenAskedFor(String model, boolean stream) {
        JsonObject body = request(model, stream, user("count these words please"));
        if (stream) {
            body.put("stream_options", new JsonObject().put("include_usage", true));
        }
        Answer answer = send(body);

        assertThat(answer.usage()).isNotNull();
        assertThat(answer.usage().getInteger("prompt_tokens")).isEqualTo(4);
        assertThat(answer.usage().getInteger("completion_tokens")).isEqualTo(5);
        assertThat(answer.usage().getInteger("total_tokens")).isEqualTo(9);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"llama", "azure"})
    void streamsWithoutIncludeUsageCarryNoUsage(String model) {
        assertThat(send(request(model, true, user("no usage please"))).usage()).isNull();
    }
}
