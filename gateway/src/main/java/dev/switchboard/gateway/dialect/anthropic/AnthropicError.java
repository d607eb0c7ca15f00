package dev.switchboard.gateway.dialect.anthropic;

import dev.switchboard.gateway.access.Denial;
import dev.switchboard.gateway.dialect.Wire;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** An error in Anthropic's format, `{"type":"error","error":{"type","message"}}`, for the /v1/messages endpoint. */
public record AnthropicError(int status, String type, String message) {

    public static AnthropicError invalidRequest(String message) {
        return new AnthropicError(400, "invalid_request_error", message);
    }

    public static AnthropicError authentication() {
        return new AnthropicError(401, "authentication_error",
                "invalid x-api-key: send a client key as `x-api-key: <key>` or `Authorization: Bearer <key>`.");
    }

    public static AnthropicError notFound(String model) {
        return new AnthropicError(404, "not_found_error", "model: " + model);
    }

    public static AnthropicError tooLarge(int limit) {
        return new AnthropicError(413, "request_too_large", "The request body exceeds the limit of " + limit + " bytes.");
    }

    /** Access control's refusal (bad key, model outside the globs, rate limit, budget) in Anthropic's terms. */
    public static AnthropicError of(Denial denial) {
        return new AnthropicError(denial.status(), typeOf(denial.status()), denial.message());
    }

    public static AnthropicError notReady() {
        return new AnthropicError(503, "api_error", "The gateway has not loaded a routing table yet.");
    }

    /** The Anthropic type for an HTTP status, as Anthropic's API uses them (529 for overload). */
    public static String typeOf(int status) {
        return switch (status) {
            case 400 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> status >= 400 && status < 500 ? "invalid_request_error" : "api_error";
        };
    }

    /**
     * Maps the status of an OpenAI-format upstream error to what an Anthropic client expects: overload (503)
     * becomes 529 overloaded_error, every other status keeps its number.
     */
    public static AnthropicError fromUpstream(int status, String message) {
        int mapped = status == 503 ? 529 : status;
        return new AnthropicError(mapped, typeOf(mapped), message);
    }

    public JsonObject toJson() {
        return new JsonObject().put("type", "error").put("error", new JsonObject().put("type", type).put("message", message));
    }

    /** Ends the exchange with this error unless a response was already started. */
    public void send(RoutingContext ctx) {
        Wire.sendError(ctx, status, toJson());
    }
}
