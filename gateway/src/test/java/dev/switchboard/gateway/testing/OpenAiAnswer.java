package dev.switchboard.gateway.testing;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * An OpenAI chat answer reduced to what tests compare, the same for JSON and SSE responses: a streamed answer is
 * reassembled from its chunks, and its order is checked on the way (role first, tool call id and name before
 * arguments, finish reason before the usage chunk, [DONE] last).
 */
public record OpenAiAnswer(String text, List<ToolCall> toolCalls, String finishReason, JsonObject usage, JsonObject error) {

    public record ToolCall(String id, String name, String arguments) {
    }

    public static OpenAiAnswer of(HttpResponse<String> response, boolean stream) {
        String contentType = response.headers().firstValue("content-type").orElse("");
        if (!stream || !contentType.startsWith("text/event-stream")) {
            return ofJson(new JsonObject(response.body()));
        }
        return ofStream(response.body());
    }

    private static OpenAiAnswer ofJson(JsonObject body) {
        if (body.getValue("error") instanceof JsonObject error) {
            return new OpenAiAnswer(null, List.of(), null, null, error);
        }
        JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
        JsonObject message = choice.getJsonObject("message");
        List<ToolCall> calls = new ArrayList<>();
        for (Object item : message.getJsonArray("tool_calls", new JsonArray())) {
            JsonObject call = (JsonObject) item;
            JsonObject function = call.getJsonObject("function");
            calls.add(new ToolCall(call.getString("id"), function.getString("name"), function.getString("arguments")));
        }
        return new OpenAiAnswer(message.getString("content"), calls, choice.getString("finish_reason"), body.getJsonObject("usage"), null);
    }

    private static OpenAiAnswer ofStream(String body) {
        List<String> events = new ArrayList<>();
        for (String event : body.split("\n\n")) {
            for (String line : event.split("\n")) {
                if (line.startsWith("data: ")) {
                    events.add(line.substring(6));
                }
            }
        }
        StringBuilder text = new StringBuilder();
        Map<Integer, String[]> calls = new TreeMap<>();
        String finish = null;
        JsonObject usage = null;
        boolean done = false;
        for (int i = 0; i < events.size(); i++) {
            String data = events.get(i);
            if (done) {
                throw new AssertionError("event after [DONE]: " + data);
            }
            if (data.equals("[DONE]")) {
                done = true;
                continue;
            }
            JsonObject chunk = new JsonObject(data);
            if (chunk.getValue("error") instanceof JsonObject error) {
                return new OpenAiAnswer(text.toString(), List.of(), finish, usage, error);
            }
            if (!"chat.completion.chunk".equals(chunk.getString("object"))) {
                throw new AssertionError("not a chat.completion.chunk: " + data);
            }
            if (chunk.getValue("usage") instanceof JsonObject u) {
                usage = u;
            }
            JsonArray choices = chunk.getJsonArray("choices");
            if (choices.isEmpty()) {
                continue;
            }
            if (usage != null) {
                throw new AssertionError("content after the usage chunk: " + data);
            }
            JsonObject choice = choices.getJsonObject(0);
            JsonObject delta = choice.getJsonObject("delta");
            if (i == 0 && !"assistant".equals(delta.getString("role"))) {
                throw new AssertionError("the first chunk must carry the role: " + data);
            }
            if (finish != null && (delta.containsKey("content") || delta.containsKey("tool_calls"))) {
                throw new AssertionError("content after the finish reason: " + data);
            }
            if (delta.getValue("content") instanceof String content) {
                text.append(content);
            }
            for (Object item : delta.getJsonArray("tool_calls", new JsonArray())) {
                JsonObject call = (JsonObject) item;
                JsonObject function = call.getJsonObject("function", new JsonObject());
                String[] parts = calls.get(call.getInteger("index"));
                if (parts == null) {
                    if (call.getString("id") == null || function.getString("name") == null) {
                        throw new AssertionError("a tool call must start with its id and name: " + data);
                    }
                    calls.put(call.getInteger("index"), new String[] { call.getString("id"), function.getString("name"), function.getString("arguments", "") });
                } else {
                    parts[2] += function.getString("arguments", "");
                }
            }
            if (choice.getValue("finish_reason") instanceof String f) {
                finish = f;
            }
        }
        if (!done) {
            throw new AssertionError("the stream did not end with [DONE]: " + body);
        }
        List<ToolCall> toolCalls = new ArrayList<>();
        calls.values().forEach(p -> toolCalls.add(new ToolCall(p[0], p[1], p[2])));
        return new OpenAiAnswer(text.length() == 0 && !toolCalls.isEmpty() ? null : text.toString(), toolCalls, finish, usage, null);
    }
}
