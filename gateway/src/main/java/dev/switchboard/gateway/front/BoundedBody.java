package dev.switchboard.gateway.front;

import java.util.function.Consumer;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a request body up to the table's size limit without blocking. The limit comes from the routing table
 * (settings.maxRequestBodyBytes), so it can change on reload, which a router-wide BodyHandler could not do.
 * <p>
 * A body over the limit is not answered while it is still being uploaded: HTTP clients (the OpenAI and Anthropic
 * SDKs among them) write the whole body before they read the response, so a 413 sent early and followed by the
 * closing connection reaches them as a broken pipe, which they retry, uploading everything again. Instead the
 * rest of the body is read and dropped, and the 413 is sent once it has arrived: at most {@link #DRAIN_BYTES} more
 * bytes and for at most {@link #DRAIN_MILLIS}, after which the 413 goes out and the connection closes anyway.
 */
final class BoundedBody {

    /** How much of an oversized body is read and dropped so that its client gets to read the 413. */
    static final long DRAIN_BYTES = 256L * 1024 * 1024;
    /** How long an oversized body may take to arrive before the 413 is sent regardless. */
    static final long DRAIN_MILLIS = 30_000;

    private BoundedBody() {
    }

    /**
     * Calls exactly one of onBody or onTooLarge (unless the connection fails, then neither). onTooLarge is called
     * when the 413 should be sent; its response must close the connection.
     */
    static void read(RoutingContext ctx, int limit, Consumer<Buffer> onBody, Runnable onTooLarge) {
        HttpServerRequest request = ctx.request();
        long declared = declaredLength(request);
        if (declared > limit) {
            if (declared > DRAIN_BYTES) {
                // Too much to wait for: the client will see the connection close, whatever it does.
                onTooLarge.run();
            } else {
                new Drain(ctx.vertx(), request, onTooLarge).start(0);
            }
            return;
        }
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (body.length() + chunk.length() > limit) {
                // From here on the drain's handlers take the request's chunks and its end.
                new Drain(ctx.vertx(), request, onTooLarge).start(chunk.length());
            } else {
                body.appendBuffer(chunk);
            }
        });
        request.endHandler(v -> onBody.accept(body));
        request.resume();
    }

    /** -1 without a usable Content-Length: the streaming check counts real bytes then. */
    private static long declaredLength(HttpServerRequest request) {
        String declared = request.getHeader("content-length");
        if (declared == null) {
            return -1;
        }
        try {
            return Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Reads and drops the rest of an oversized body, then has the 413 sent: at its end, or at the byte or time bound. */
    private static final class Drain {
        private final Vertx vertx;
        private final HttpServerRequest request;
        private final Runnable answer;
        private long dropped;
        private long timer;
        private boolean answered;

        Drain(Vertx vertx, HttpServerRequest request, Runnable answer) {
            this.vertx = vertx;
            this.request = request;
            this.answer = answer;
        }

        void start(long alreadyDropped) {
            timer = vertx.setTimer(DRAIN_MILLIS, id -> answer());
            request.handler(chunk -> dropped(chunk.length()));
            request.endHandler(v -> answer());
            // A client that gives up mid-upload: close the request's books now rather than at the time bound.
            request.response().closeHandler(v -> answer());
            dropped(alreadyDropped);
            request.resume();
        }

        void dropped(long bytes) {
            dropped += bytes;
            if (dropped > DRAIN_BYTES) {
                answer();
            }
        }

        private void answer() {
            if (!answered) {
                answered = true;
                vertx.cancelTimer(timer);
                answer.run();
            }
        }
    }
}
