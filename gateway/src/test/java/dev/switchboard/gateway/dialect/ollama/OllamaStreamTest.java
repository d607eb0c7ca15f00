package dev.switchboard.gateway.dialect.ollama;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

class OllamaStreamTest {

    private static JsonObject line(String content, boolean done) {
        JsonObject line = new JsonObject().put("model", "llama3.1").put("created_at", "2024-07-22T20:33:28.123648Z")
                .put("message", new JsonObject().put("role", "assistant").put("content", content)).put("done", done);
        return done ? line.put("done_reason", "length").put("prompt_eval_count", 7).put("eval_count", 2) : line;
    }

    private static List<String> events(Buffer out) {
        return Arrays.asList(out.toString().split("\n\n"));
    }

    private static JsonObject data(String event) {
        return new JsonObject(event.substring("data: ".length()));
    }

    @Test
    void textStreamsInOpenAiOrder() {
        OllamaStream stream = new OllamaStream(true, "chatcmpl-r", true, new ToolCallIds("r"));
        Buffer out = Buffer.buffer();
        stream.line(line("Hel", false), out);
        stream.line(line("lo", false), out);
        stream.line(line("", true), out);

        List<String> events = events(out);
        assertThat(events).hasSize(6);
        assertThat(data(events.get(0)).getJsonArray("choices").getJsonObject(0).getJsonObject("delta"))
                .isEqualTo(new JsonObject().put("role", "assistant").put("content", ""));
        assertThat(data(events.get(1)).getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("content")).isEqualTo("Hel");
        assertThat(data(events.get(2)).getString("object")).isEqualTo("chat.completion.chunk");
        assertThat(data(events.get(2)).getLong("created")).isEqualTo(1721680408L);
        assertThat(data(events.get(3)).getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("length");
        assertThat(data(events.get(4)).getJsonArray("choices")).isEmpty();
        assertThat(data(events.get(4)).getJsonObject("usage")).isEqualTo(new JsonObject().put("prompt_tokens", 7)
                .put("completion_tokens", 2).put("total_tokens", 9));
        assertThat(events.get(5)).isEqualTo("data: [DONE]");
        assertThat(stream.finished()).isTrue();
    }

    @Test
    void toolCallsBecomeIndexedDeltasWithWholeArgumentsAndFinishAsToolCalls() {
        OllamaStream stream = new OllamaStream(true, "chatcmpl-r", false, new ToolCallIds("r"));
        JsonObject calls = line("", false);
        calls.getJsonObject("message").put("tool_calls", new JsonArray()
                .add(new JsonObject().put("function", new JsonObject().put("name", "a").put("arguments", new JsonObject().put("x", 1))))
                .add(new JsonObject().put("id", "call_own").put("function", new JsonObject().put("name", "b").put("arguments", new JsonObject()))));
        Buffer out = Buffer.buffer();
        stream.line(calls, out);
        stream.line(line("", true).put("done_reason", "stop"), out);

        List<String> events = events(out);
        JsonArray deltas = data(events.get(1)).getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getJsonArray("tool_calls");
        assertThat(deltas.getJsonObject(0).getInteger("index")).isZero();
        assertThat(deltas.getJsonObject(0).getString("id")).startsWith("call_").endsWith("_0");
        assertThat(deltas.getJsonObject(0).getJsonObject("function")).isEqualTo(new JsonObject().put("name", "a").put("arguments", "{\"x\":1}"));
        assertThat(deltas.getJsonObject(1).getInteger("index")).isEqualTo(1);
        assertThat(deltas.getJsonObject(1).getString("id")).isEqualTo("call_own");
        assertThat(data(events.get(2)).getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("tool_calls");
        assertThat(events).hasSize(4).last().isEqualTo("data: [DONE]");
    }

    @Test
    void thinkingIsPassedOnAsReasoningContent() {
        JsonObject thought = line("", false);
        thought.getJsonObject("message").put("thinking", "let me see");
        OllamaStream stream = new OllamaStream(true, "chatcmpl-r", false, new ToolCallIds("r"));
        Buffer out = Buffer.buffer();
        stream.line(thought, out);

        assertThat(data(events(out).get(1)).getJsonArray("choices").getJsonObject(0).getJsonObject("delta"))
                .isEqualTo(new JsonObject().put("reasoning_content", "let me see"));
        JsonObject whole = line("42", true);
        whole.getJsonObject("message").put("thinking", "let me see");
        assertThat(OllamaResponses.chatCompletion(whole, "c", new ToolCallIds("r")).getJsonArray("choices").getJsonObject(0)
                .getJsonObject("message").getString("reasoning_content")).isEqualTo("let me see");
    }

    @Test
    void theSameRequestGetsTheSameToolCallIds() {
        assertThat(new ToolCallIds("req-1").next(new JsonObject())).isEqualTo(new ToolCallIds("req-1").next(new JsonObject()))
                .isNotEqualTo(new ToolCallIds("req-2").next(new JsonObject()));
    }

    @Test
    void anErrorLineEndsTheStreamWithoutDone() {
        OllamaStream stream = new OllamaStream(true, "chatcmpl-r", false, new ToolCallIds("r"));
        Buffer out = Buffer.buffer();
        stream.line(line("a", false), out);
        stream.line(new JsonObject().put("error", "model crashed"), out);
        stream.line(line("", true), out);

        List<String> events = events(out);
        assertThat(data(events.get(events.size() - 1)).getJsonObject("error").getString("message")).isEqualTo("model crashed");
        assertThat(out.toString()).doesNotContain("[DONE]");
    }

    @Test
    void completionsStreamAsTextCompletionChunks() {
        OllamaStream stream = new OllamaStream(false, "cmpl-r", false, new ToolCallIds("r"));
        Buffer out = Buffer.buffer();
        stream.line(new JsonObject().put("model", "m").put("response", "abc").put("done", false), out);
        stream.line(new JsonObject().put("model", "m").put("response", "").put("done", true).put("done_reason", "stop"), out);

        List<String> events = events(out);
        assertThat(events).hasSize(3);
        assertThat(data(events.get(0)).getJsonArray("choices").getJsonObject(0).getString("text")).isEqualTo("abc");
        assertThat(data(events.get(1)).getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("stop");
    }

    @Test
    void nonStreamedAnswersAndErrorsTranslate() {
        JsonObject answer = line("Hi there", true);
        JsonObject completion = OllamaResponses.chatCompletion(answer, "chatcmpl-r", new ToolCallIds("r"));
        assertThat(completion.getJsonArray("choices").getJsonObject(0).getJsonObject("message"))
                .isEqualTo(new JsonObject().put("role", "assistant").put("content", "Hi there"));
        assertThat(completion.getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("length");

        assertThat(OllamaResponses.error(404, Buffer.buffer("{\"error\":\"model \\\"x\\\" not found, try pulling it first\"}")).toJson())
                .isEqualTo(new JsonObject().put("error", new JsonObject().put("message", "model \"x\" not found, try pulling it first")
                        .put("type", "invalid_request_error").put("param", "model").put("code", "model_not_found")));
        assertThat(OllamaResponses.error(503, Buffer.buffer("<html>busy</html>")).status()).isEqualTo(503);
        assertThat(OllamaResponses.error(502, Buffer.buffer("")).message()).isEqualTo("Ollama answered HTTP 502.");
    }

    @Test
    void anEndpointWrittenForTheOpenAiApiMeansTheNativeOne() {
        assertThat(OllamaUpstream.nativeBase("http://ollama:11434/v1")).isEqualTo("http://ollama:11434");
        assertThat(OllamaUpstream.nativeBase("http://ollama:11434")).isEqualTo("http://ollama:11434");
    }
}
