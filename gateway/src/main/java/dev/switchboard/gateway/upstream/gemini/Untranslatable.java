package dev.switchboard.gateway.upstream.gemini;

import dev.switchboard.gateway.capability.CapabilityCheck;
import dev.switchboard.gateway.upstream.ErrorEnvelope;

/**
 * A request the Gemini API cannot be given faithfully. It becomes a 400 in the OpenAI format, so nothing the
 * client asked for is dropped silently.
 */
final class Untranslatable extends Exception {

    /** The OpenAI error code for a feature Gemini cannot serve; the same one the capability check uses. */
    static final String UNSUPPORTED = CapabilityCheck.CODE;

    private final String param;
    private final String code;

    private Untranslatable(String param, String code, String message) {
        super(message, null, false, false);
        this.param = param;
        this.code = code;
    }

    /** A feature with no Gemini equivalent. */
    static Untranslatable unsupported(String param, String message) {
        return new Untranslatable(param, UNSUPPORTED, message + " (not supported by Gemini providers)");
    }

    /** A request that is malformed in a way translation depends on. */
    static Untranslatable invalid(String param, String message) {
        return new Untranslatable(param, null, message);
    }

    /** The 400 the client gets, as an adapter answers it. */
    ErrorEnvelope error() {
        return new ErrorEnvelope(400, "invalid_request_error", code, param, getMessage());
    }
}
