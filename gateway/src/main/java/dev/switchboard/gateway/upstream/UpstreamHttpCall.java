package dev.switchboard.gateway.upstream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

import dev.switchboard.gateway.dialect.Wire;
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
 * adapter: the wait for a pooled connection, connect, first-byte, idle and total timeouts, cancellation,
 * backpressure, the size limit of answers held whole, transport errors mapped to {@link UpstreamFailure} kinds, and
 * exactly one end or failure reported. The adapter decides where the call goes and what it carries (the options and
 * body) and what the answer means (its listener, often a translating one). Every callback runs on the caller's event
 * loop, so plain fields suffice.
 */
public final class UpstreamHttpCall implements UpstreamCall {

    private final Vertx vertx;
    private final Timeouts timeouts;
    private final UpstreamRequest upstreamRequest;
    private final UpstreamListener listener;
    private final PoolWaits.Provider pool;
    private final long waitStartNanos;
    /** The one timer that watches the call's timeouts (see {@link #watch}). */
    private long watchdog;
    private long lastDataNanos;
    private HttpClientRequest request;
    private HttpClientResponse response;
    private boolean finished;
    private boolean paused;
    /** Bytes of the answer still allowed before it is cut off; MAX_VALUE for a stream relayed as it comes. */
    private long allowance = Long.MAX_VALUE;

    private UpstreamHttpCall(Vertx vertx, UpstreamRequest upstreamRequest, UpstreamListener listener, PoolWaits.Provider pool) {
        this.vertx = vertx;
        this.timeouts = upstreamRequest.timeouts();
        this.upstreamRequest = upstreamRequest;
        this.listener = listener;
        this.pool = pool;
        this.waitStartNanos = pool.started();
        watchAfter(Math.min(timeouts.firstByteMs(), timeouts.totalMs()));
    }

    /**
     * A JSON POST to {@code url} as every adapter starts one: SSE is accepted when the client asked for a stream, and
     * the request id travels along so provider logs can be matched with ours, and so does the attempt's trace context.
     */
    public static RequestOptions jsonPost(String url, UpstreamRequest request) {
        Address address = Address.of(url);
        RequestOptions options = new RequestOptions()
                // Not Vert.x's validating header map: that one throws from putHeader with the value in the message;
                // start() checks the headers instead and fails the call without quoting them.
                .setHeaders(MultiMap.caseInsensitiveMultiMap())
                .setMethod(HttpMethod.POST)
                .setHost(address.host())
                .setPort(address.port())
                .setSsl(address.ssl())
                .setURI(address.uri())
                .putHeader("content-type", "application/json")
                .putHeader("accept", request.stream() ? Wire.EVENT_STREAM : "application/json")
                .putHeader("x-request-id", request.requestId());
        request.traceHeaders().forEach(options::putHeader);
        return options;
    }

    /**
     * A provider URL taken apart as Vert.x does it ({@link RequestOptions#setAbsoluteURI}), once per URL rather than
     * per call: parsing it is a java.net.URL each time. Calls go to few distinct URLs (a provider's endpoint and
     * operation, with a model or deployment for some types); past {@link #REMEMBERED} of them the rest are parsed
     * per call.
     */
    private record Address(String host, int port, boolean ssl, String uri) {

        private static final int REMEMBERED = 4096;
        private static final Map<String, Address> PARSED = new ConcurrentHashMap<>();

        static Address of(String url) {
            Address address = PARSED.get(url);
            if (address == null) {
                RequestOptions parsed = new RequestOptions().setAbsoluteURI(url);
                address = new Address(parsed.getHost(), parsed.getPort(), Boolean.TRUE.equals(parsed.isSsl()), parsed.getURI());
                if (PARSED.size() < REMEMBERED) {
                    PARSED.put(url, address);
                }
            }
            return address;
        }
    }

    /**
     * Sends {@code body} with {@code options} (method, URL, headers; the timeouts are set here) for {@code request}
     * (its provider, the timeouts to apply, whether it streams, its answer limit) and reports the answer to {@code listener}.
     * <p>
     * Waiting for a connection is not a failed connect: when every connection of the pool is busy the call waits
     * in the pool's queue, and that wait counts against its first-byte timeout (which runs from the start of the
     * call and is already cut to the request's deadline), never against the connect timeout. The connect timeout
     * bounds the TCP connect alone: it is the client's (see {@link UpstreamClients}). The idle timeout is our own
     * timer on the gap between chunks, not the transport's idle timeout, which would also run while the head is
     * awaited (the first-byte timeout's job) and while the client's backpressure pauses the response.
     */
    public static UpstreamCall start(Vertx vertx, UpstreamClients clients, RequestOptions options, Buffer body, UpstreamRequest request,
            UpstreamListener listener) {
        Timeouts timeouts = request.timeouts();
        // Vert.x fails a request that has no connection after its "connect timeout", counted from the start of
        // the wait for the pool: the same bound as our first-byte timer, so Vert.x drops the waiter when we do.
        options.setConnectTimeout(timeouts.firstByteMs());
        UpstreamHttpCall call = new UpstreamHttpCall(vertx, request, listener, clients.waits().of(request.provider().name()));
        String refused = refusedHeader(options.getHeaders());
        if (refused != null) {
            // Vert.x would throw deep inside the client, with the value (a key, say) in the message, and the call would
            // never complete. Refused here, it is a failure like any other, reported after start returns.
            vertx.runOnContext(v -> call.fail(new UpstreamFailure(Kind.CONNECT,
                    "request not sent: the value of header " + refused + " holds a line break or another control character")));
            return call;
        }
        int connectMs = (int) Math.min(Integer.MAX_VALUE, request.provider().timeouts().connectMs());
        clients.current(connectMs).request(options).onComplete(ar -> call.connected(ar, body));
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
        pool.ended(waitStartNanos);
        if (finished) {
            if (ar.succeeded()) {
                // Nothing was written yet: resetting gives the connection back to the pool without closing it.
                ar.result().reset();
            }
            return;
        }
        if (ar.failed()) {
            fail(ar.cause() instanceof TimeoutException ? noFirstByte()
                    : new UpstreamFailure(Kind.CONNECT, "cannot connect to upstream: " + ar.cause().getMessage()));
            return;
        }
        request = ar.result();
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
        response = upstream;
        response.exceptionHandler(e -> fail(classify(e, "upstream connection broke")));
        if (!relayedAsItComes(upstream)) {
            // Someone holds this answer whole (to check it, translate it or relay it as one body): bound it, and stop
            // reading at once when it says up front that it is larger.
            allowance = upstreamRequest.maxResponseBytes();
            if (declaredLength(upstream) > allowance) {
                abort(tooLarge());
                return;
            }
        }
        if (paused) {
            response.pause();
        }
        lastDataNanos = System.nanoTime();
        if (msSince(waitStartNanos, lastDataNanos) + timeouts.idleMs() < Math.min(timeouts.firstByteMs(), timeouts.totalMs())) {
            // The watchdog is set for later than the answer may now stay silent.
            vertx.cancelTimer(watchdog);
            watchAfter(timeouts.idleMs());
        }
        response.handler(chunk -> {
            if (!finished) {
                lastDataNanos = System.nanoTime();
                allowance -= chunk.length();
                if (allowance < 0) {
                    abort(tooLarge());
                    return;
                }
                listener.onChunk(chunk);
            }
        });
        response.endHandler(v -> {
            if (!finished) {
                finished = true;
                vertx.cancelTimer(watchdog);
                listener.onEnd();
            }
        });
        listener.onHead(upstream.statusCode(), upstream.headers());
    }

    /** A successful stream the client asked for is passed on event by event and never held whole. */
    private boolean relayedAsItComes(HttpClientResponse upstream) {
        return upstreamRequest.stream() && Wire.isFramedStream(upstream.statusCode(), upstream.getHeader("content-type"));
    }

    /** The Content-Length the answer declares, or -1 without a usable one (the bytes are counted as they come anyway). */
    private static long declaredLength(HttpClientResponse upstream) {
        try {
            String declared = upstream.getHeader("content-length");
            return declared == null ? -1 : Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private UpstreamFailure tooLarge() {
        return new UpstreamFailure(Kind.TOO_LARGE, "the answer exceeds " + upstreamRequest.maxResponseBytes()
                + " bytes, the limit for answers the gateway holds whole");
    }

    /**
     * One timer watches all three timeouts, set for the earliest that can expire and checked when it fires: a call that
     * ends in time sets and cancels one timer, not three. Until the answer's head arrives the first-byte timeout
     * applies (when it and the total timeout expire together, the first-byte message says more, such as a wait for a
     * connection); then the gap since the last chunk, which a paused response does not count (that is the client's
     * backpressure, not an upstream stall), and the total time.
     */
    private void watch() {
        if (finished) {
            return;
        }
        long now = System.nanoTime();
        long elapsedMs = msSince(waitStartNanos, now);
        long left = timeouts.totalMs() - elapsedMs;
        if (response == null) {
            long toFirstByte = timeouts.firstByteMs() - elapsedMs;
            if (toFirstByte <= 0) {
                abort(noFirstByte());
                return;
            }
            left = Math.min(left, toFirstByte);
        }
        if (left <= 0) {
            abort(new UpstreamFailure(Kind.TIMEOUT, "no complete response within " + timeouts.totalMs() + " ms"));
            return;
        }
        if (response != null) {
            long quietMs = msSince(lastDataNanos, now);
            if (!paused && quietMs >= timeouts.idleMs()) {
                abort(new UpstreamFailure(Kind.TIMEOUT, "no data for " + timeouts.idleMs() + " ms"));
                return;
            }
            left = Math.min(left, paused ? timeouts.idleMs() : timeouts.idleMs() - quietMs);
        }
        watchAfter(left);
    }

    private void watchAfter(long delayMs) {
        watchdog = vertx.setTimer(Math.max(1, delayMs), id -> watch());
    }

    private static long msSince(long startNanos, long nowNanos) {
        return (nowNanos - startNanos) / 1_000_000;
    }

    /** The first-byte timeout, saying so when the call was still waiting for a connection. */
    private UpstreamFailure noFirstByte() {
        String message = "no response within " + timeouts.firstByteMs() + " ms";
        if (request == null) {
            message += " (still waiting for a connection; calls to this provider waiting: " + pool.waiting() + ")";
        }
        return new UpstreamFailure(Kind.TIMEOUT, message);
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
        vertx.cancelTimer(watchdog);
        listener.onFailure(failure);
    }

    @Override
    public void cancel() {
        if (finished) {
            return;
        }
        finished = true;
        vertx.cancelTimer(watchdog);
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
