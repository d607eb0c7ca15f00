package dev.switchboard.gateway.dialect.openai;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Reading the OpenAI chat chunk stream every adapter delivers, for the client dialects that translate it (Messages,
 * Responses): what one event's data is, and the tool-call deltas of a chunk.
 */
public final class ChatChunks {

    /** What a translating writer does with each event of the stream ({@code [DONE]} is {@link ChatEventStream}'s). */
    public interface Sink {

        /** A `chat.completion.chunk`. */
        void chunk(JsonObject chunk);

        /** The provider's error event ({@code {"error": ...}}): the stream ends with it. */
        void error(JsonObject error);
    }

    private ChatChunks() {
    }

    /** Hands one event's data to the sink; data that is no JSON object carries nothing to translate and is passed over. */
    static void read(String data, Sink sink) {
        JsonObject chunk;
        try {
            chunk = new JsonObject(data);
        } catch (DecodeException | ClassCastException e) {
            return;
        }
        if (chunk.getValue("error") instanceof JsonObject error) {
            sink.error(error);
        } else {
            sink.chunk(chunk);
        }
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
