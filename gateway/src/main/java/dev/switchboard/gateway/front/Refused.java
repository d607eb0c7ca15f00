package dev.switchboard.gateway.front;

import dev.switchboard.gateway.dialect.ApiError;

/** A request its client API cannot serve, with the error its caller gets. */
public final class Refused extends Exception {

    private final transient ApiError error;

    public Refused(ApiError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public ApiError error() {
        return error;
    }
}
