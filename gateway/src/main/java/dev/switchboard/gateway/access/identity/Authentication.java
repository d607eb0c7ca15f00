package dev.switchboard.gateway.access.identity;

import dev.switchboard.gateway.access.ClientKeys.Caller;
import dev.switchboard.gateway.access.Denial;

/**
 * Who is calling, or why nobody: a caller (a declared client, or anonymous in Open mode) with the subject of its
 * token if it sent one, or a denial every endpoint renders in its own error envelope (with its headers).
 */
public record Authentication(Caller caller, String subject, Denial denial) {

    static Authentication of(Caller caller) {
        return new Authentication(caller, null, null);
    }

    static Authentication denied(Denial denial) {
        return new Authentication(null, null, denial);
    }

    public boolean admitted() {
        return caller != null;
    }
}
