package dev.switchboard.gateway.access;

/**
 * The tokens reserved before a request is sent: its prompt, at about four bytes of JSON per token, plus the
 * completion it allows (`max_tokens`). The real usage settles the difference afterwards, so the estimate only has
 * to be in the right range, not exact; a request without `max_tokens` pays for its completion at settlement.
 */
public final class TokenEstimate {

    static final int BYTES_PER_TOKEN = 4;

    private TokenEstimate() {
    }

    public static long of(int bodyBytes, Integer maxCompletionTokens) {
        long prompt = Math.max(1, bodyBytes / BYTES_PER_TOKEN);
        return prompt + (maxCompletionTokens != null && maxCompletionTokens > 0 ? maxCompletionTokens : 0);
    }
}
