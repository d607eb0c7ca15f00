package dev.switchboard.gateway.upstream.ollama;

import dev.switchboard.gateway.upstream.ErrorEnvelope;

/** A request the adapter cannot translate faithfully; the client gets the 400 it carries. */
final class Refused extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient ErrorEnvelope error;

    private Refused(ErrorEnvelope error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    /** A feature Ollama has no equivalent for. */
    static Refused unsupported(String param, String what) {
        return new Refused(ErrorEnvelope.unsupported("Ollama", param, what));
    }

    /** A request that is malformed in OpenAI's own terms. */
    static Refused invalid(String param, String message) {
        return new Refused(new ErrorEnvelope(400, "invalid_request_error", null, param, message));
    }

    ErrorEnvelope error() {
        return error;
    }
}
