package dev.switchboard.gateway.dialect.anthropic;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Maps Anthropic errors (`{"type":"error","error":{"type","message"}}`) to OpenAI envelopes and statuses. The
 * status decides what the resilience layer retries: rate limits stay 429 and overload (529) becomes 503.
 */
public final class AnthropicErrors {

    /** An OpenAI-format error: the status the gateway reports and the envelope body. */
    public record Mapped(int status, JsonObject envelope) {
    }

    private AnthropicErrors() {
    }

    public static Mapped map(int status, Buffer body) {
        JsonObject error = null;
        try {
            if (new JsonObject(body).getValue("error") instanceof JsonObject e) {
                error = e;
            }
        } catch (DecodeException | ClassCastException e) {
            // Not Anthropic's envelope (a proxy's HTML page, say): described by its status below.
        }
        String type = error != null && error.getValue("type") instanceof String t ? t : typeOf(status);
        String message = error != null && error.getValue("message") instanceof String m ? m
                : "The Anthropic API answered with HTTP status " + status + ".";
        int mapped = switch (status) {
            case 529 -> 503;
            case 400, 401, 403, 404, 413, 429, 500, 503, 504 -> status;
            default -> status >= 500 ? 502 : status;
        };
        return new Mapped(mapped, envelope(type, message));
    }

    /** The OpenAI error event for an Anthropic `error` stream event. */
    public static JsonObject streamError(JsonObject error) {
        return envelope(error.getString("type", "api_error"), error.getString("message", "The Anthropic stream failed."));
    }

    /** Anthropic's error type becomes the code; the OpenAI type is the nearest of OpenAI's own. */
    private static JsonObject envelope(String anthropicType, String message) {
        String openAiType = switch (anthropicType) {
            case "invalid_request_error", "request_too_large", "not_found_error" -> "invalid_request_error";
            case "authentication_error" -> "authentication_error";
            case "permission_error" -> "permission_error";
            case "rate_limit_error" -> "rate_limit_error";
            default -> "server_error";
        };
        return new JsonObject().put("error", new JsonObject().put("message", message).put("type", openAiType)
                .put("param", null).put("code", anthropicType));
    }

    /** Anthropic's type for a status it answered, where an unnamed 4xx is an `api_error` (not the client's fault). */
    static String typeOf(int status) {
        String type = AnthropicError.typeOf(status);
        return status != 400 && type.equals("invalid_request_error") ? "api_error" : type;
    }
}
