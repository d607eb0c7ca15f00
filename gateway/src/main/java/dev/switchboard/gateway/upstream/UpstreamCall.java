package dev.switchboard.gateway.upstream;

import dev.switchboard.gateway.dialect.ApiError;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;

/** Control over a call in flight: the gateway cancels when its client goes away, and applies backpressure. */
public interface UpstreamCall {

    void cancel();

    void pause();

    void resume();

    /** Backpressure: pauses this call while the client reads slower than the upstream writes, until the response drains. */
    default void pauseWhileFull(HttpServerResponse response) {
        if (response.writeQueueFull()) {
            pause();
            response.drainHandler(v -> resume());
        }
    }

    /**
     * A call an adapter answers itself with an error, on the next event-loop turn, so the caller holds the call
     * before the listener hears anything; cancelling before then keeps it silent.
     */
    static UpstreamCall answered(Vertx vertx, UpstreamListener listener, ApiError error) {
        boolean[] cancelled = new boolean[1];
        vertx.runOnContext(v -> {
            if (!cancelled[0]) {
                listener.onError(error, null);
            }
        });
        return new UpstreamCall() {
            @Override
            public void cancel() {
                cancelled[0] = true;
            }

            @Override
            public void pause() {
                // One small error body: nothing to hold back.
            }

            @Override
            public void resume() {
                // See pause().
            }
        };
    }
}
