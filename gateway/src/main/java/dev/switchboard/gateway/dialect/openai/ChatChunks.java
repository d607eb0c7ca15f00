package dev.switchboard.gateway.dialect.openai;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Reading the OpenAI chat chunk stream every adapter delivers, for the client dialects that translate it (Messages,
 * Responses): the tool-call deltas of a chunk.
 */
public final class ChatChunks {

    private ChatChunks() {
    }

    /** A translator of one tool-call delta: null, or why the client's stream cannot carry it. */
    @FunctionalInterface
    public interface ToolCall {
        String translate(JsonObject call);
    }

    /** Translates the tool-call deltas of a chunk's delta in order; returns the first problem, which stops it, or null. */
    public static String toolCalls(JsonObject delta, ToolCall translator) {
        if (delta.getValue("tool_calls") instanceof JsonArray calls) {
            for (Object call : calls) {
                String problem = translator.translate(call instanceof JsonObject c ? c : new JsonObject());
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }
}
