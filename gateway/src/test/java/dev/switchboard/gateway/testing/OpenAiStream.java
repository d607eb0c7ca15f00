package dev.switchboard.gateway.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * An OpenAI chat SSE body read back into the shape of a non-streamed completion, so one assertion checks both
 * modes, plus what only a stream has: the order of events.
 */
public final class OpenAiStream {

    public final List<JsonObject> chunks = new ArrayList<>();
    public boolean done;
    public JsonObject error;

    private OpenAiStream() {
    }

    public static OpenAiStream parse(String body) {
        OpenAiStream stream = new OpenAiStream();
        for (String event : body.split("\n\n")) {
            if (event.isBlank()) {
                continue;
            }
            if (!event.startsWith("data: ")) {
                throw new AssertionError("not an SSE data event: " + event);
            }
            String data = event.substring(6);
            if (stream.done) {
                throw new AssertionError("event after [DONE]: " + data);
            }
            if ("[DONE]".equals(data)) {
                stream.done = true;
            } else if (new JsonObject(data).getValue("error") instanceof JsonObject error) {
                stream.error = error;
            } else {
                stream.chunks.add(new JsonObject(data));
            }
        }
        return stream;
    }

    /**
     * The completion the chunks add up to, checking OpenAI's order on the way: the role in the first chunk, no
     * content after the finish reason, usage only in a last chunk without choices.
     */
    public JsonObject assemble() {
        StringBuilder content = null;
        StringBuilder reasoning = new StringBuilder();
        TreeMap<Integer, JsonObject> toolCalls = new TreeMap<>();
        String finish = null;
        JsonObject usage = null;
        for (int i = 0; i < chunks.size(); i++) {
            JsonObject chunk = chunks.get(i);
            if (!"chat.completion.chunk".equals(chunk.getString("object"))) {
                throw new AssertionError("not a chat.completion.chunk: " + chunk);
            }
            if (chunk.getValue("usage") instanceof JsonObject u) {
                if (!chunk.getJsonArray("choices").isEmpty() || i != chunks.size() - 1) {
                    throw new AssertionError("usage must come alone in the last chunk: " + chunk);
                }
                usage = u;
                continue;
            }
            JsonObject choice = chunk.getJsonArray("choices").getJsonObject(0);
            JsonObject delta = choice.getJsonObject("delta");
            if (i == 0 && !"assistant".equals(delta.getString("role"))) {
                throw new AssertionError("the first chunk must carry the role: " + chunk);
            }
            if (finish != null) {
                throw new AssertionError("a chunk after the finish reason: " + chunk);
            }
            if (delta.getValue("content") instanceof String text) {
                content = content == null ? new StringBuilder(text) : content.append(text);
            }
            if (delta.getValue("reasoning_content") instanceof String thought) {
                if (content != null && !content.isEmpty()) {
                    throw new AssertionError("reasoning after the answer's content: " + chunk);
                }
                reasoning.append(thought);
            }
            if (delta.getValue("tool_calls") instanceof JsonArray calls) {
                for (Object c : calls) {
                    JsonObject call = (JsonObject) c;
                    JsonObject into = toolCalls.computeIfAbsent(call.getInteger("index"), k -> new JsonObject()
                            .put("function", new JsonObject().put("arguments", "")));
                    if (call.getValue("id") != null) {
                        into.put("id", call.getString("id")).put("type", "function");
                    }
                    JsonObject function = call.getJsonObject("function", new JsonObject());
                    if (function.getValue("name") != null) {
                        into.getJsonObject("function").put("name", function.getString("name"));
                    }
                    into.getJsonObject("function").put("arguments",
                            into.getJsonObject("function").getString("arguments") + function.getString("arguments", ""));
                }
            }
            if (choice.getValue("finish_reason") instanceof String f) {
                finish = f;
            }
        }
        JsonObject message = new JsonObject().put("role", "assistant").put("content", content == null ? null : content.toString());
        if (!toolCalls.isEmpty()) {
            message.put("tool_calls", new JsonArray(new ArrayList<>(toolCalls.values())));
        }
        if (!reasoning.isEmpty()) {
            message.put("reasoning_content", reasoning.toString());
        }
        JsonObject out = new JsonObject().put("object", "chat.completion")
                .put("model", chunks.isEmpty() ? null : chunks.get(0).getString("model"))
                .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("message", message).put("finish_reason", finish)));
        if (usage != null) {
            out.put("usage", usage);
        }
        return out;
    }
}
