package dev.switchboard.gateway.dialect.gemini;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Pattern;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Google's error envelope `{"error":{"code","message","status","details"}}` → the OpenAI envelope with the status
 * the resilience layer classifies by: RESOURCE_EXHAUSTED 429 (Retry-After from RetryInfo), UNAVAILABLE 503,
 * INVALID_ARGUMENT/FAILED_PRECONDITION/OUT_OF_RANGE 400, UNAUTHENTICATED 401, PERMISSION_DENIED 403, NOT_FOUND 404,
 * INTERNAL/UNKNOWN 500, DEADLINE_EXCEEDED 504. Google answers a bad API key with 400 INVALID_ARGUMENT and the
 * reason API_KEY_INVALID: that is the gateway's credential failing, so it becomes 401 (and the gateway reports it
 * as an upstream auth failure, not as the client's mistake).
 */
final class GeminiErrors {

    /** An OpenAI error with its HTTP status and, for 429/503, the seconds to wait (or null). */
    record Mapped(int status, JsonObject envelope, String retryAfter) {
    }

    private GeminiErrors() {
    }

    static Mapped map(int httpStatus, Buffer body, String upstreamRetryAfter) {
        JsonObject error = null;
        try {
            if (body != null && body.length() > 0 && new JsonObject(body).getValue("error") instanceof JsonObject e) {
                error = e;
            }
        } catch (DecodeException | ClassCastException e) {
            // Not Google's envelope (a proxy page, say): mapped by status alone below.
        }
        if (error == null) {
            return new Mapped(httpStatus, envelope("upstream_error", "upstream_http_" + httpStatus,
                    "The upstream answered with HTTP status " + httpStatus + "."), upstreamRetryAfter);
        }
        String status = error.getString("status", "");
        String message = error.getString("message", "Gemini returned " + status);
        int mapped = switch (status) {
            case "RESOURCE_EXHAUSTED" -> 429;
            case "UNAVAILABLE" -> 503;
            case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE" -> apiKeyInvalid(error) ? 401 : 400;
            case "UNAUTHENTICATED" -> 401;
            case "PERMISSION_DENIED" -> 403;
            case "NOT_FOUND" -> 404;
            case "INTERNAL", "UNKNOWN", "DATA_LOSS" -> 500;
            case "DEADLINE_EXCEEDED" -> 504;
            default -> httpStatus >= 400 ? httpStatus : 502;
        };
        String type = switch (mapped) {
            case 400, 404 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            default -> "server_error";
        };
        String code = mapped == 429 ? "rate_limit_exceeded" : status.isEmpty() ? "upstream_http_" + httpStatus : status.toLowerCase(Locale.ROOT);
        String retryAfter = mapped == 429 || mapped == 503 ? firstNonNull(retryDelay(error), upstreamRetryAfter) : null;
        return new Mapped(mapped, envelope(type, code, message), retryAfter);
    }

    /**
     * A protobuf Duration as JSON spells it ("34.5s"), no longer than the format allows: anything else is ignored
     * before it is parsed, because an exponent such as "1e999999999s" would make BigDecimal write a billion digits.
     */
    private static final Pattern DURATION = Pattern.compile("^[0-9]{1,12}(\\.[0-9]{1,9})?s$");
    /** Longer waits are not believed (the resilience layer caps Retry-After at the same hour). */
    static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(3600);

    /** Whole seconds, rounded up, from the RetryInfo detail's `retryDelay` (a protobuf Duration such as "34.5s"). */
    static String retryDelay(JsonObject error) {
        if (!(error.getValue("details") instanceof JsonArray details)) {
            return null;
        }
        for (Object d : details) {
            if (d instanceof JsonObject detail && String.valueOf(detail.getValue("@type")).endsWith("google.rpc.RetryInfo")
                    && detail.getValue("retryDelay") instanceof String delay) {
                if (delay.length() > 23 || !DURATION.matcher(delay).matches()) {
                    return null;
                }
                BigDecimal seconds = new BigDecimal(delay.substring(0, delay.length() - 1)).setScale(0, RoundingMode.CEILING);
                return seconds.max(BigDecimal.ONE).min(MAX_SECONDS).toPlainString();
            }
        }
        return null;
    }

    private static boolean apiKeyInvalid(JsonObject error) {
        if (error.getValue("details") instanceof JsonArray details) {
            for (Object d : details) {
                if (d instanceof JsonObject detail && "API_KEY_INVALID".equals(detail.getValue("reason"))) {
                    return true;
                }
            }
        }
        return false;
    }

    static JsonObject envelope(String type, String code, String message) {
        return new JsonObject().put("error", new JsonObject().put("message", message).put("type", type).putNull("param").put("code", code));
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }
}
