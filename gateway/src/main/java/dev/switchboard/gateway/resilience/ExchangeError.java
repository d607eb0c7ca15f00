package dev.switchboard.gateway.resilience;

import java.util.function.BiConsumer;

/**
 * Why no upstream response can be delivered, independent of the client's API format: the reply renders it in
 * its own error envelope.
 *
 * @param status     HTTP status for the client
 * @param type       OpenAI-style error type
 * @param code       machine-readable code
 * @param message    human-readable message; names providers, never their addresses or keys
 * @param retryAfter seconds for a Retry-After header, or null
 * @param served     the last attempt (for the response headers and the access log), or null when none was made
 */
public record ExchangeError(int status, String type, String code, String message, Long retryAfter, Served served) {

    /** The headers every reply format sends with it: what the last attempt was (see {@link Served#headers}), and Retry-After. */
    public void headers(BiConsumer<String, String> header) {
        if (served != null) {
            served.headers(header);
        }
        if (retryAfter != null) {
            header.accept("retry-after", Long.toString(retryAfter));
        }
    }

    /** The access log's word for it: its code, else its type. */
    public String reason() {
        return code != null ? code : type;
    }

    static ExchangeError upstream(int status, String code, String message, Served served) {
        return new ExchangeError(status, "upstream_error", code, message, null, served);
    }
}
