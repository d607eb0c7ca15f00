package dev.switchboard.gateway.telemetry.tracing;

import java.util.List;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** Reads the recorded parts of request and answer bodies, for the content attributes when a policy opted in. */
final class ContentFields {

    private ContentFields() {
    }

    /** The chat messages (and Anthropic's system), a completion's prompt or an embedding's input, as JSON. */
    static String input(Buffer body) {
        try {
            JsonObject json = body.toJsonObject();
            JsonObject input = new JsonObject();
            for (String field : List.of("system", "messages", "prompt", "input")) {
                if (json.containsKey(field)) {
                    input.put(field, json.getValue(field));
                }
            }
            return input.encode();
        } catch (RuntimeException e) {
            // Not a JSON object (the request was refused for it before any span could need it): nothing to record.
            return "";
        }
    }

    /** The answer's choices (OpenAI) or content (Anthropic), as JSON; embeddings' vectors are not content. */
    static String output(Buffer body) {
        try {
            JsonObject json = body.toJsonObject();
            JsonObject output = new JsonObject();
            for (String field : List.of("choices", "content")) {
                if (json.containsKey(field)) {
                    output.put(field, json.getValue(field));
                }
            }
            return output.encode();
        } catch (RuntimeException e) {
            return "";
        }
    }
}
