package dev.switchboard.gateway.upstream;

/** The inference operations the gateway forwards, with their path below an OpenAI-style base URL. */
public enum Operation {
    CHAT("/chat/completions"),
    COMPLETIONS("/completions"),
    EMBEDDINGS("/embeddings"),
    /** Anthropic's Messages API, relayed untranslated from /v1/messages to Anthropic providers. */
    MESSAGES("/messages"),
    /** Anthropic's token counting (`/v1/messages/count_tokens`), relayed untranslated to Anthropic providers. */
    COUNT_TOKENS("/messages/count_tokens");

    private final String path;

    Operation(String path) {
        this.path = path;
    }

    public String path() {
        return path;
    }

    public boolean canStream() {
        return this != EMBEDDINGS && this != COUNT_TOKENS;
    }
}
