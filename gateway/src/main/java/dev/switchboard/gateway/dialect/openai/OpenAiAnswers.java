package dev.switchboard.gateway.dialect.openai;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.switchboard.gateway.policy.cache.AnswerCodec;
import dev.switchboard.gateway.upstream.Operation;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Singleton;

/**
 * OpenAI's side of the response cache: chat completion chunks (and text completion chunks) assembled into the
 * completion, and a completion replayed as chunks: the role, the content a few words at a time, each tool call whole,
 * the finish reason, the usage chunk, {@code [DONE]}.
 */
@Singleton
public class OpenAiAnswers implements AnswerCodec {

    @Override
    public Set<Operation> formats() {
        return Set.of(Operation.CHAT, Operation.COMPLETIONS, Operation.EMBEDDINGS);
    }

    @Override
    public Assembly assemble() {
        return new Assembly() {
            private JsonObject head;
            private JsonObject usage;
            private boolean failed;
            private final Map<Integer, JsonObject> choices = new TreeMap<>();

            @Override
            public void event(JsonObject chunk) {
                if (chunk.containsKey("error")) {
                    failed = true;
                    return;
                }
                if (head == null) {
                    head = chunk;
                }
                if (chunk.getValue("usage") instanceof JsonObject u) {
                    usage = u;
                }
                JsonArray list = chunk.getJsonArray("choices", new JsonArray());
                for (int i = 0; i < list.size(); i++) {
                    JsonObject choice = list.getJsonObject(i);
                    JsonObject whole = choices.computeIfAbsent(choice.getInteger("index", 0), index -> new JsonObject().put("index", index));
                    merge(whole, choice);
                }
            }

            @Override
            public JsonObject whole(boolean terminated) {
                if (!terminated || failed || head == null || choices.isEmpty()
                        || choices.values().stream().anyMatch(c -> c.getValue("finish_reason") == null)) {
                    return null;
                }
                boolean chat = "chat.completion.chunk".equals(head.getString("object"));
                JsonObject completion = new JsonObject().put("id", head.getValue("id"))
                        .put("object", chat ? "chat.completion" : "text_completion")
                        .put("created", head.getValue("created")).put("model", head.getValue("model"));
                if (head.getValue("system_fingerprint") != null) {
                    completion.put("system_fingerprint", head.getValue("system_fingerprint"));
                }
                JsonArray list = new JsonArray();
                choices.values().forEach(choice -> {
                    if (chat) {
                        JsonObject message = choice.getJsonObject("message", new JsonObject());
                        message.put("role", message.getString("role", "assistant"));
                        if (!message.containsKey("content")) {
                            message.putNull("content");
                        }
                        if (message.getValue("tool_calls") instanceof JsonObject calls) {
                            message.put("tool_calls", new JsonArray(new java.util.ArrayList<>(new TreeMap<>(calls.getMap()).values())));
                        }
                        choice.put("message", message);
                    }
                    list.add(choice);
                });
                completion.put("choices", list);
                if (usage != null) {
                    completion.put("usage", usage);
                }
                return completion;
            }
        };
    }

    /** Adds one chunk's choice to the whole one: text appended, tool calls by their index, the finish reason. */
    private static void merge(JsonObject whole, JsonObject choice) {
        if (choice.getValue("finish_reason") != null) {
            whole.put("finish_reason", choice.getValue("finish_reason"));
        }
        if (choice.getValue("text") instanceof String text) {
            whole.put("text", whole.getString("text", "") + text);
            return;
        }
        if (!(choice.getValue("delta") instanceof JsonObject delta)) {
            return;
        }
        JsonObject message = whole.getJsonObject("message");
        if (message == null) {
            message = new JsonObject();
            whole.put("message", message);
        }
        for (String field : delta.fieldNames()) {
            Object value = delta.getValue(field);
            if (value instanceof String text && !field.equals("role")) {
                message.put(field, message.getString(field, "") + text);
            } else if (field.equals("tool_calls") && value instanceof JsonArray calls) {
                JsonObject byIndex = message.getJsonObject("tool_calls", new JsonObject());
                message.put("tool_calls", byIndex);
                for (Object item : calls) {
                    JsonObject call = (JsonObject) item;
                    String index = String.format("%05d", call.getInteger("index", 0));
                    JsonObject merged = byIndex.getJsonObject(index, new JsonObject().put("type", "function")
                            .put("function", new JsonObject().put("name", "").put("arguments", "")));
                    byIndex.put(index, merged);
                    if (call.getString("id") != null) {
                        merged.put("id", call.getString("id"));
                    }
                    if (call.getValue("function") instanceof JsonObject function) {
                        JsonObject f = merged.getJsonObject("function");
                        f.put("name", f.getString("name") + function.getString("name", ""));
                        f.put("arguments", f.getString("arguments") + function.getString("arguments", ""));
                    }
                }
            } else if (value != null && !message.containsKey(field)) {
                message.put(field, value);
            }
        }
    }

    @Override
    public Buffer stream(JsonObject whole) {
        boolean chat = "chat.completion".equals(whole.getString("object"));
        JsonObject head = new JsonObject().put("id", whole.getValue("id")).put("object", chat ? "chat.completion.chunk" : "text_completion")
                .put("created", whole.getValue("created")).put("model", whole.getValue("model"));
        if (whole.getValue("system_fingerprint") != null) {
            head.put("system_fingerprint", whole.getValue("system_fingerprint"));
        }
        Buffer out = Buffer.buffer();
        for (Object item : whole.getJsonArray("choices", new JsonArray())) {
            JsonObject choice = (JsonObject) item;
            int index = choice.getInteger("index", 0);
            if (!chat) {
                for (String piece : AnswerCodec.pieces(choice.getString("text", ""))) {
                    AnswerCodec.event(out, null, head.copy().put("choices", new JsonArray().add(
                            new JsonObject().put("index", index).put("text", piece).putNull("finish_reason"))));
                }
            } else {
                JsonObject message = choice.getJsonObject("message", new JsonObject());
                chunk(out, head, index, new JsonObject().put("role", "assistant").put("content", ""));
                for (String field : new String[] {"reasoning_content", "content", "refusal"}) {
                    if (message.getValue(field) instanceof String text && !text.isEmpty()) {
                        for (String piece : AnswerCodec.pieces(text)) {
                            chunk(out, head, index, new JsonObject().put(field, piece));
                        }
                    }
                }
                JsonArray calls = message.getJsonArray("tool_calls", new JsonArray());
                for (int i = 0; i < calls.size(); i++) {
                    chunk(out, head, index, new JsonObject().put("tool_calls", new JsonArray().add(calls.getJsonObject(i).copy().put("index", i))));
                }
            }
            JsonObject last = new JsonObject().put("index", index).put("finish_reason", choice.getValue("finish_reason"));
            last.put(chat ? "delta" : "text", chat ? new JsonObject() : "");
            AnswerCodec.event(out, null, head.copy().put("choices", new JsonArray().add(last)));
        }
        if (whole.getValue("usage") instanceof JsonObject usage) {
            AnswerCodec.event(out, null, head.copy().put("choices", new JsonArray()).put("usage", usage));
        }
        return out.appendString("data: [DONE]\n\n");
    }

    private static void chunk(Buffer out, JsonObject head, int index, JsonObject delta) {
        AnswerCodec.event(out, null, head.copy().put("choices", new JsonArray().add(
                new JsonObject().put("index", index).put("delta", delta).putNull("finish_reason"))));
    }
}
