package dev.switchboard.gateway.access;

/**
 * Token counts the gateway works out itself, at about four bytes of JSON (or characters of text) per token. Before a
 * request is sent: its prompt plus the completion it allows (`max_tokens`), reserved against the token limits; the
 * real usage settles the difference afterwards, so the estimate only has to be in the right range. After a stream
 * that was cut short before the upstream reported its usage: the prompt from the request body and the completion
 * from the content relayed, so a request that was answered is never charged nothing.
 */
public final class TokenEstimate {

    static final int BYTES_PER_TOKEN = 4;

    private TokenEstimate() {
    }

    public static long of(int bodyBytes, Integer maxCompletionTokens) {
        return prompt(bodyBytes) + (maxCompletionTokens != null && maxCompletionTokens > 0 ? maxCompletionTokens : 0);
    }

    /** The prompt of a request body of this size. */
    public static int prompt(int bodyBytes) {
        return Math.max(1, bodyBytes / BYTES_PER_TOKEN);
    }

    /** The tokens of generated text (content, tool-call arguments) of this many characters, rounded up. */
    public static int text(long chars) {
        return (int) Math.min(Integer.MAX_VALUE, (chars + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN);
    }
}
