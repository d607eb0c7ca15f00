package dev.switchboard.gateway.access;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Brings an answer back to the caller's context. Redis answers on its connection's event loop and a key fetch on the
 * web client's; the request they were for goes on on its own event loop, where its state lives.
 */
public final class CallersContext {

    private CallersContext() {
    }

    /** {@code future}, completed on the context of the thread calling this; as is when it is complete or off Vert.x. */
    public static <T> Future<T> resume(Future<T> future) {
        Context origin = Vertx.currentContext();
        if (future.isComplete() || origin == null) {
            return future;
        }
        Promise<T> promise = Promise.promise();
        future.onComplete(result -> {
            if (Vertx.currentContext() == origin) {
                promise.handle(result);
            } else {
                origin.runOnContext(v -> promise.handle(result));
            }
        });
        return promise.future();
    }
}
