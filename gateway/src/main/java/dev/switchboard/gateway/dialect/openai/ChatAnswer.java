package dev.switchboard.gateway.dialect.openai;

import java.util.function.UnaryOperator;

import dev.switchboard.gateway.telemetry.GatewayMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A whole chat completion and its translation into a client dialect's answer, as both translating writers (Messages,
 * Responses) read it.
 */
public record ChatAnswer(JsonObject completion, JsonObject translated) {

    /**
     * Reads {@code body} and translates it; null when it is no JSON object or cannot be translated (a field of the
     * wrong type, no choice), which is counted as the provider's invalid answer.
     */
    public static ChatAnswer translate(Buffer body, UnaryOperator<JsonObject> translation, GatewayMetrics metrics, String provider) {
        try {
            JsonObject completion = new JsonObject(body);
            return new ChatAnswer(completion, translation.apply(completion));
        } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
            metrics.upstreamError(provider, "invalid_response");
            return null;
        }
    }

    /** The first choice's finish reason as the upstream gave it; null when it has none. */
    public String finishReason() {
        return finishReason(completion);
    }

    /** The first choice's finish reason of a completion or chunk; null when it has none (yet). */
    public static String finishReason(JsonObject completionOrChunk) {
        if (completionOrChunk.getValue("choices") instanceof JsonArray choices && !choices.isEmpty()
                && choices.getValue(0) instanceof JsonObject choice && choice.getValue("finish_reason") instanceof String reason) {
            return reason;
        }
        return null;
    }
}
