package dev.switchboard.gateway.upstream.gemini;

import dev.switchboard.gateway.capability.CapabilityCheck;
import io.vertx.core.json.JsonObject;

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

    JsonObject envelope() {
        return new JsonObject().put("error", new JsonObject()
                .put("message", getMessage())
                .put("type", "invalid_request_error")
                .put("param", param)
                .put("code", code));
    }
}
