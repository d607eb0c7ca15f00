package dev.switchboard.gateway.resilience;

import dev.switchboard.gateway.dialect.FrameDecoder;
import io.vertx.core.buffer.Buffer;

/**
 * What a client dialect's writer makes of an upstream stream it reads event by event (see
 * {@link ClientRelay#relayEvents}): the events it writes for each upstream event, whether the stream came to its end,
 * and its error event for a stream cut short. The plumbing around it (decoding, one write per upstream chunk, the
 * verdict at the upstream's end) is {@link ClientRelay}'s, the same for a passthrough and a translation.
 */
public interface StreamEvents {

    /** Events the client gets as soon as its stream starts, before the first upstream event. */
    default void opening(Buffer out) {
    }

    /** One event of the upstream's stream; what the client gets for it is appended to {@code out}. */
    void event(FrameDecoder.Event event, Buffer out);

    /** Whether the upstream's stream reached its last event, or ended with its own error: else it was cut short. */
    boolean streamComplete();

    /** Appends the dialect's error event, which ends a stream that broke or ended before it was complete. */
    void cutShort(Buffer out, String message);

    /**
     * True when the writer cannot carry the stream on (its error event is written): the exchange is stopped upstream
     * and the client's stream ends.
     */
    default boolean abandoned() {
        return false;
    }

    /** True when the upstream generated everything and only its usage is still to come. */
    default boolean usageOnlyToCome() {
        return false;
    }
}
