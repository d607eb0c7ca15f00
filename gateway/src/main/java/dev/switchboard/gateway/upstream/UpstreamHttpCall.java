package dev.switchboard.gateway.upstream;

import dev.switchboard.gateway.upstream.UpstreamFailure.Kind;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.vertx.core.AsyncResult;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * One HTTP call to a provider over the pooled client of the caller's event loop, made the same way by every HTTP
 * adapter: connect, first-byte, idle and total timeouts, cancellation, backpressure, transport errors mapped to
 * {@link UpstreamFailure} kinds, and exactly one end or failure reported. The adapter decides where the call goes
 * and what it carries (the options and body) and what the answer means (its listener, often a translating one).
 * Every callback runs on the caller's event loop, so plain fields suffice.
 */
public final class UpstreamHttpCall implements UpstreamCall {

    private final Vertx vertx;
    private final Timeouts timeouts;
    private final UpstreamListener listener;
    private final long totalTimer;
    private long firstByteTimer = -1;
    private long idleTimer = -1;
    private long lastDataNanos;
    private HttpClientRequest request;
    private HttpClientResponse response;
    private boolean finished;
    private boolean paused;

    private UpstreamHttpCall(Vertx vertx, Timeouts timeouts, UpstreamListener listener) {
        this.vertx = vertx;
        this.timeouts = timeouts;
        this.listener = listener;
        this.totalTimer = vertx.setTimer(timeouts.totalMs(),
                id -> abort(new UpstreamFailure(Kind.TIMEOUT, "no complete response within " + timeouts.totalMs() + " ms")));
    }

    /**
     * A JSON POST to {@code url} as every adapter starts one: SSE is accepted when the client asked for a stream, and
     * the request id travels along so provider logs can be matched with ours.
     */
    public static RequestOptions jsonPost(String url, UpstreamRequest request) {
        return new RequestOptions()
                // Not Vert.x's validating header map: that one throws from putHeader with the value in the message;
                // start() checks the headers instead and fails the call without quoting them.
                .setHeaders(MultiMap.caseInsensitiveMultiMap())
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(url)
                .putHeader("content-type", "application/json")
                .putHeader("accept", request.stream() ? "text/event-stream" : "application/json")
                .putHeader("x-request-id", request.requestId());
    }

    /**
     * Sends {@code body} with {@code options} (method, URL, headers; the timeouts are set here) and reports the
     * answer to {@code listener}. The idle timeout is our own timer on the gap between chunks, not the
     * transport's idle timeout, which would also run while the head is awaited (the first-byte timeout's job)
     * and while the client's backpressure pauses the response.
     */
    public static UpstreamCall start(Vertx vertx, UpstreamClients clients, RequestOptions options, Buffer body, Timeouts timeouts,
            UpstreamListener listener) {
        options.setConnectTimeout(timeouts.connectMs());
        UpstreamHttpCall call = new UpstreamHttpCall(vertx, timeouts, listener);
        String refused = refusedHeader(options.getHeaders());
        if (refused != null) {
            // Vert.x would throw deep inside the client, with the value (a key, say) in the message, and the call would
            // never complete. Refused here, it is a failure like any other, reported after start returns.
            vertx.runOnContext(v -> call.fail(new UpstreamFailure(Kind.CONNECT,
                    "request not sent: the value of header " + refused + " holds a line break or another control character")));
            return call;
        }
        clients.current().request(options).onComplete(ar -> call.connected(ar, body));
        return call;
    }

    /** The name of the first header HTTP/1.1 cannot carry as is, or null. Values are never part of the answer. */
    static String refusedHeader(MultiMap headers) {
        for (var header : headers) {
            String value = header.getValue();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    return header.getKey();
                }
            }
        }
        return null;
    }

    private void connected(AsyncResult<HttpClientRequest> ar, Buffer body) {
        if (finished) {
            if (ar.succeeded()) {
                ar.result().reset();
            }
            return;
        }
        if (ar.failed()) {
            fail(new UpstreamFailure(Kind.CONNECT, "cannot connect to upstream: " + ar.cause().getMessage()));
            return;
        }
        request = ar.result();
        firstByteTimer = vertx.setTimer(timeouts.firstByteMs(),
                id -> abort(new UpstreamFailure(Kind.TIMEOUT, "no response within " + timeouts.firstByteMs() + " ms")));
        request.send(body).onComplete(rar -> {
            if (finished) {
                return;
            }
            if (rar.failed()) {
                fail(classify(rar.cause(), "upstream request failed"));
                return;
            }
            started(rar.result());
        });
    }

    private void started(HttpClientResponse upstream) {
        vertx.cancelTimer(firstByteTimer);
        response = upstream;
        if (paused) {
            response.pause();
        }
        response.exceptionHandler(e -> fail(classify(e, "upstream connection broke")));
        lastDataNanos = System.nanoTime();
        watchIdle(timeouts.idleMs());
        response.handler(chunk -> {
            if (!finished) {
                lastDataNanos = System.nanoTime();
                listener.onChunk(chunk);
            }
        });
        response.endHandler(v -> {
            if (!finished) {
                finished = true;
                cancelTimers();
                listener.onEnd();
            }
        });
        listener.onHead(upstream.statusCode(), upstream.headers());
    }

    /**
     * One timer per idle period rather than one per chunk: when it fires early (data came meanwhile) it is set
     * again for the rest of the gap. A paused response is the client's backpressure, not an upstream stall.
     */
    private void watchIdle(long delayMs) {
        idleTimer = vertx.setTimer(Math.max(1, delayMs), id -> {
            if (finished) {
                return;
            }
            long quietMs = (System.nanoTime() - lastDataNanos) / 1_000_000;
            if (paused || quietMs < timeouts.idleMs()) {
                watchIdle(paused ? timeouts.idleMs() : timeouts.idleMs() - quietMs);
            } else {
                abort(new UpstreamFailure(Kind.TIMEOUT, "no data for " + timeouts.idleMs() + " ms"));
            }
        });
    }

    private UpstreamFailure classify(Throwable cause, String what) {
        if (cause.getClass().getSimpleName().contains("Timeout")) {
            return new UpstreamFailure(Kind.TIMEOUT, what + ": " + cause.getMessage());
        }
        return new UpstreamFailure(response == null ? Kind.CONNECT : Kind.BROKEN, what + ": " + cause.getMessage());
    }

    private void abort(UpstreamFailure failure) {
        if (finished) {
            return;
        }
        // Report first: resetting fails the pending response synchronously, which must not win the race.
        fail(failure);
        if (request != null) {
            request.reset();
        }
    }

    private void fail(UpstreamFailure failure) {
        if (finished) {
            return;
        }
        finished = true;
        cancelTimers();
        listener.onFailure(failure);
    }

    private void cancelTimers() {
        vertx.cancelTimer(totalTimer);
        vertx.cancelTimer(firstByteTimer);
        vertx.cancelTimer(idleTimer);
    }

    @Override
    public void cancel() {
        if (finished) {
            return;
        }
        finished = true;
        cancelTimers();
        if (request != null) {
            // Resetting closes the connection, so the provider stops generating (and billing) tokens.
            request.reset();
        }
    }

    @Override
    public void pause() {
        paused = true;
        if (response != null) {
            response.pause();
        }
    }

    @Override
    public void resume() {
        paused = false;
        if (response != null) {
            response.resume();
        }
    }
}
