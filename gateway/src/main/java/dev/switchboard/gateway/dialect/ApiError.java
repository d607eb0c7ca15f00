package dev.switchboard.gateway.dialect;

import dev.switchboard.gateway.access.Denial;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The gateway's one error record, in OpenAI's terms (status, type, code, param, message): what the endpoints
 * answer, what adapters make of a provider's error or of a request they refuse, and what a client dialect renders
 * in its own envelope. {@link #toJson()} is the OpenAI envelope, so every OpenAI SDK surfaces it as a typed API error.
 */
public record ApiError(int status, String type, String code, String param, String message) {

    /** The code of a feature a target cannot serve faithfully: refused rather than dropped. */
    public static final String UNSUPPORTED_FEATURE = "unsupported_feature";

    public static ApiError invalidRequest(String message, String param) {
        return new ApiError(400, "invalid_request_error", null, param, message);
    }

    public static ApiError modelNotFound(String model) {
        return new ApiError(404, "invalid_request_error", "model_not_found", "model",
                "The model `" + model + "` does not exist or you do not have access to it.");
    }

    /** An access-control refusal in the OpenAI envelope; its headers are the caller's to set. */
    public static ApiError of(Denial denial) {
        return new ApiError(denial.status(), denial.type(), denial.code(), denial.param(), denial.message());
    }

    public static ApiError notReady() {
        return new ApiError(503, "service_unavailable", "routing_table_not_loaded", null,
                "The gateway has not loaded a routing table yet.");
    }

    public static ApiError upstream(int status, String code, String message) {
        return new ApiError(status, "upstream_error", code, null, message);
    }

    /** A feature the target cannot serve faithfully, in the caller's words. */
    public static ApiError unsupportedFeature(String param, String message) {
        return new ApiError(400, "invalid_request_error", UNSUPPORTED_FEATURE, param, message);
    }

    /** A feature a provider type cannot serve faithfully. */
    public static ApiError unsupported(String provider, String param, String what) {
        return unsupportedFeature(param, what + " is not supported by " + provider + " providers.");
    }

    /** A request too large or too deeply structured to be parsed into a tree for translation (see RequestTrees). */
    public static ApiError tooComplex(String message) {
        return new ApiError(400, "invalid_request_error", "request_too_complex", null, message);
    }

    /** The access log's word for it: its code, else its type. */
    public String reason() {
        return code != null ? code : type;
    }

    public JsonObject toJson() {
        JsonObject error = new JsonObject()
                .put("message", message)
                .put("type", type)
                .put("param", param)
                .put("code", code);
        return new JsonObject().put("error", error);
    }

    /** Ends the exchange with this error unless a response was already started (then only the stream can say it). */
    public void send(RoutingContext ctx) {
        Wire.sendError(ctx, status, toJson());
    }
}
