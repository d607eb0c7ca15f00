package dev.switchboard.gateway.access;

import java.util.Map;

/**
 * Why access control refused a request, as a value any endpoint renders in its own API's error format (OpenAI
 * envelope on /v1/chat/completions, Anthropic's on /v1/messages). {@code type} and {@code code} are OpenAI's
 * vocabulary; {@code headers} (Retry-After, x-ratelimit-*) go on the response as they are.
 */
public record Denial(int status, String type, String code, String param, String message, Map<String, String> headers) {

    public Denial {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public static Denial invalidApiKey() {
        return new Denial(401, "invalid_request_error", "invalid_api_key", null,
                "Missing or incorrect API key. Send it as `Authorization: Bearer <key>` or `x-api-key: <key>`.", Map.of());
    }

    public static Denial modelNotAllowed(String model) {
        return new Denial(403, "permission_error", "model_not_allowed", "model",
                "This API key may not use the model `" + model + "`.", Map.of());
    }

    /**
     * A model past its sunset date. 410 Gone: it was removed on purpose and will not come back, which SDKs do not
     * retry; the message names the replacement when there is one.
     */
    public static Denial modelSunset(String model, String sunset, String replacement) {
        return new Denial(410, "invalid_request_error", "model_sunset", "model",
                "The model `" + model + "` reached its sunset date " + sunset + " and is no longer served"
                        + (replacement != null ? "; use `" + replacement + "` instead." : "."), Map.of());
    }

    /** A rate limit: type `requests` or `tokens` as OpenAI sends them, code `rate_limit_exceeded`. */
    static Denial rateLimited(String type, String message, Map<String, String> headers) {
        return new Denial(429, type, "rate_limit_exceeded", null, message, headers);
    }

    /**
     * A spent budget: 429 like OpenAI's own "quota exceeded" (`insufficient_quota`), so SDKs and client code that
     * handle OpenAI's quota error handle this one; Retry-After says when the period rolls over.
     */
    static Denial budgetExceeded(String message, Map<String, String> headers) {
        return new Denial(429, "insufficient_quota", "budget_exceeded", null, message, headers);
    }

    /** Redis is down and the policy fails closed: the limits cannot be checked, so nothing is admitted. */
    static Denial storeUnavailable() {
        return new Denial(503, "service_unavailable", "rate_limit_store_unavailable", null,
                "The gateway cannot check rate limits right now; please retry shortly.", Map.of("retry-after", "1"));
    }
}
