package dev.switchboard.gateway.dialect.ollama;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Ollama's NDJSON stream → OpenAI's SSE, line by line: the role first, then content deltas, tool calls (Ollama
 * sends each call whole, so each becomes one tool-call delta with its index, id, name and full arguments), the
 * finish reason from the final `done` line, the usage chunk when the client asked for it, and `[DONE]`. An error
 * line becomes an error event and ends the stream without `[DONE]`, so the gateway reports it as broken.
 */
final class OllamaStream {

    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

    private final boolean chat;
    private final String id;
    private final boolean includeUsage;
    private final ToolCallIds ids;
    private long created = -1;
    private boolean toolCalls;
    private boolean finished;

    OllamaStream(boolean chat, String id, boolean includeUsage, ToolCallIds ids) {
        this.chat = chat;
        this.id = id;
        this.includeUsage = includeUsage;
        this.ids = ids;
    }

    /** True once the final line (or an error) has been translated; later lines are ignored. */
    boolean finished() {
        return finished;
    }

    /** Translates one NDJSON line and appends the SSE events to out. */
    void line(JsonObject line, Buffer out) {
        if (finished) {
            return;
        }
        if (line.getValue("error") != null) {
            finished = true;
            JsonObject error = new JsonObject().put("message", String.valueOf(line.getValue("error")))
                    .put("type", "server_error").putNull("param").put("code", "upstream_stream_error");
            event(out, new JsonObject().put("error", error));
            return;
        }
        Object model = line.getValue("model");
        if (created < 0) {
            created = OllamaResponses.created(line);
            if (chat) {
                event(out, chunk(model, new JsonObject().put("role", "assistant").put("content", ""), null));
            }
        }
        if (chat) {
            chatDeltas(line, model, out);
        } else if (!line.getString("response", "").isEmpty()) {
            event(out, chunk(model, line.getString("response"), null));
        }
        if (Boolean.TRUE.equals(line.getValue("done"))) {
            finished = true;
            String reason = OllamaResponses.finishReason(line, toolCalls);
            event(out, chat ? chunk(model, new JsonObject(), reason) : chunk(model, "", reason));
            if (includeUsage) {
                event(out, base(model).put("choices", new JsonArray()).put("usage", OllamaResponses.usage(line)));
            }
            out.appendBuffer(DONE);
        }
    }

    private void chatDeltas(JsonObject line, Object model, Buffer out) {
        JsonObject message = line.getJsonObject("message");
        if (message == null) {
            return;
        }
        if (message.getValue("thinking") instanceof String thinking && !thinking.isEmpty()) {
            event(out, chunk(model, new JsonObject().put("reasoning_content", thinking), null));
        }
        if (message.getValue("content") instanceof String content && !content.isEmpty()) {
            event(out, chunk(model, new JsonObject().put("content", content), null));
        }
        JsonArray calls = OllamaResponses.toolCalls(message.getJsonArray("tool_calls"), ids, true);
        if (calls != null) {
            toolCalls = true;
            event(out, chunk(model, new JsonObject().put("tool_calls", calls), null));
        }
    }

    private JsonObject base(Object model) {
        return new JsonObject().put("id", id).put("object", chat ? "chat.completion.chunk" : "text_completion")
                .put("created", created).put("model", model);
    }

    private JsonObject chunk(Object model, Object delta, String finishReason) {
        JsonObject choice = new JsonObject().put("index", 0);
        if (chat) {
            choice.put("delta", delta);
        } else {
            choice.put("text", delta);
        }
        choice.putNull("logprobs").put("finish_reason", finishReason);
        return base(model).put("choices", new JsonArray().add(choice));
    }

    private static void event(Buffer out, JsonObject data) {
        out.appendString("data: ").appendString(data.encode()).appendString("\n\n");
    }
}
