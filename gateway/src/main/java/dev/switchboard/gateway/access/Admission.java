package dev.switchboard.gateway.access;

import java.util.Map;

/**
 * The answer to "may this caller send this request now": a {@link Permit} to settle when the request ends, or a
 * {@link Denial}. {@code headers} (x-ratelimit-*, budget warnings) belong on the response either way.
 */
public record Admission(Permit permit, Denial denial, Map<String, String> headers) {

    public Admission {
        if ((permit == null) == (denial == null)) {
            throw new IllegalArgumentException("an admission is either a permit or a denial");
        }
        headers = headers == null ? Map.of() : headers;
    }

    static Admission granted(Permit permit, Map<String, String> headers) {
        return new Admission(permit, null, headers);
    }

    static Admission denied(Denial denial) {
        return new Admission(null, denial, denial.headers());
    }

    public boolean admitted() {
        return permit != null;
    }
}
