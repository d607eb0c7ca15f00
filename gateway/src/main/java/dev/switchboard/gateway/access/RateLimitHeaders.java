package dev.switchboard.gateway.access;

import java.util.LinkedHashMap;
import java.util.Map;

/** OpenAI's `x-ratelimit-*` response headers, so clients written for OpenAI pace themselves against our limits too. */
final class RateLimitHeaders {

    private RateLimitHeaders() {
    }

    static Map<String, String> of(Quota quota, Verdict verdict) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (quota.requestsPerMinute() > 0) {
            headers.put("x-ratelimit-limit-requests", Integer.toString(quota.requestsPerMinute()));
            headers.put("x-ratelimit-remaining-requests", Long.toString(Math.max(0, verdict.remainingRequests())));
            headers.put("x-ratelimit-reset-requests", duration(verdict.resetRequestsMs()));
        }
        if (quota.tokensPerMinute() > 0) {
            headers.put("x-ratelimit-limit-tokens", Integer.toString(quota.tokensPerMinute()));
            headers.put("x-ratelimit-remaining-tokens", Long.toString(Math.max(0, verdict.remainingTokens())));
            headers.put("x-ratelimit-reset-tokens", duration(verdict.resetTokensMs()));
        }
        return headers;
    }

    /** Whole seconds, at least 1: what Retry-After allows. */
    static String retryAfter(long ms) {
        return Long.toString(Math.max(1, (ms + 999) / 1000));
    }

    /** OpenAI's spelling of a reset time: `20ms`, `6s`, `1.5s`, `6m0s`. */
    static String duration(long ms) {
        if (ms < 1000) {
            return Math.max(0, ms) + "ms";
        }
        if (ms < 60_000) {
            double seconds = Math.round(ms / 100.0) / 10.0;
            return (seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds)) + "s";
        }
        long seconds = (ms + 999) / 1000;
        return (seconds / 3600 > 0 ? seconds / 3600 + "h" : "") + (seconds % 3600) / 60 + "m" + seconds % 60 + "s";
    }
}
