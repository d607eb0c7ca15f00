package dev.switchboard.gateway.resilience;

import java.util.Locale;

import dev.switchboard.gateway.upstream.UpstreamFailure;

/**
 * How one upstream attempt ended, and what that means for the request (retry class), the target's circuit
 * breaker and the key that was used.
 */
public enum Outcome {
    SUCCESS(null),
    /** 429: the key cools down; retried under RateLimited. */
    RATE_LIMITED("RateLimited"),
    /** 5xx (Anthropic's 529 overloaded included), and 409 (a conflict on the provider's side that a later attempt may not meet). */
    SERVER_ERROR("ServerError"),
    /** A 2xx whose body is not the JSON object the API promises, or an answer the adapter could not translate. */
    INVALID_RESPONSE("ServerError"),
    /** No connection, or the connection was reset before a response started. */
    CONNECT_FAILURE("ConnectFailure"),
    /** The response started but the connection broke before anything reached the client. */
    BROKEN("ConnectFailure"),
    /** Connect, first-byte, idle or total timeout, and 408 from the upstream. */
    TIMEOUT("Timeout"),
    /** 401/403 to the gateway's key: the key is quarantined and another target or key is always tried. */
    AUTH_FAILED(null),
    /** Any other 4xx: the request itself is wrong, so no other target would answer differently. */
    CLIENT_ERROR(null);

    private final String retryClass;
    private final String tag;

    Outcome(String retryClass) {
        this.retryClass = retryClass;
        this.tag = name().toLowerCase(Locale.ROOT);
    }

    /** The retry condition (as in settings.retry.on) this outcome falls under, or null when none. */
    public String retryClass() {
        return retryClass;
    }

    /** The metric label value. */
    public String tag() {
        return tag;
    }

    /** Whether the target's circuit breaker counts this as a failure of the target (not of a key or the request). */
    public boolean targetFailure() {
        return retryClass != null && this != RATE_LIMITED;
    }

    public static Outcome ofStatus(int status) {
        if (status / 100 == 2) {
            return SUCCESS;
        }
        return switch (status) {
            case 429 -> RATE_LIMITED;
            case 401, 403 -> AUTH_FAILED;
            case 408 -> TIMEOUT;
            case 409 -> SERVER_ERROR;
            default -> status >= 500 ? SERVER_ERROR : CLIENT_ERROR;
        };
    }

    public static Outcome of(UpstreamFailure failure) {
        return switch (failure.kind()) {
            case CONNECT -> CONNECT_FAILURE;
            case TIMEOUT -> TIMEOUT;
            case BROKEN -> BROKEN;
            case INVALID -> INVALID_RESPONSE;
        };
    }
}
