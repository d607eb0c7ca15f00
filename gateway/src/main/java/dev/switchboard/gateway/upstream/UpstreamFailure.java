package dev.switchboard.gateway.upstream;

/** Why an upstream call ended without a complete response. */
public record UpstreamFailure(Kind kind, String message) {

    public enum Kind {
        /** No connection could be made. */
        CONNECT,
        /** Connect, first-byte, idle or total timeout. */
        TIMEOUT,
        /** The connection broke after the call was sent. */
        BROKEN,
        /** The answer came but could not be read: a body the adapter could not translate. */
        INVALID
    }

    public String metricTag() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
