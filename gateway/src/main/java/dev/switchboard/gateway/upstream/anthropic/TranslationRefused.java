package dev.switchboard.gateway.upstream.anthropic;

/**
 * A request uses something the other API cannot express faithfully. It is refused with a 400 naming the
 * feature instead of being dropped, so a client never gets an answer to a different question than it asked.
 */
public final class TranslationRefused extends Exception {

    private final String param;

    public TranslationRefused(String param, String message) {
        super(message, null, false, false);
        this.param = param;
    }

    /** The request field at fault (dotted path), or null. */
    public String param() {
        return param;
    }
}
