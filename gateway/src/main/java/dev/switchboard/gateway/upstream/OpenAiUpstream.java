package dev.switchboard.gateway.upstream;

import dev.switchboard.gateway.upstream.UpstreamFailure.Kind;
import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * Speaks the OpenAI wire format to OpenAI and OpenAI-compatible servers (vLLM, LM Studio, DeepSeek, ...) over
 * one shared, pooled keep-alive HTTP client. The body is forwarded as the client sent it apart from the model
 * name; the response is streamed back chunk by chunk. Where a call goes and how it carries the key is an
 * {@link Addressing}, so Azure OpenAI (deployment URLs, `api-key`) and the translating adapters reuse this
 * transport with its timeouts, cancellation and backpressure.
 */
public final class OpenAiUpstream implements Upstream {

    /** The URL of a call and the header carrying the provider key. */
    public interface Addressing {

        String url(UpstreamRequest request);

        void authorize(RequestOptions options, String apiKey);
    }

    /** OpenAI's own: the endpoint is an SDK base URL, the key a bearer token. */
    public static final Addressing OPENAI = new Addressing() {
        @Override
        public String url(UpstreamRequest request) {
            return baseUrl(request.provider()) + request.operation().path();
        }

        @Override
        public void authorize(RequestOptions options, String apiKey) {
            options.putHeader("authorization", "Bearer " + apiKey);
        }
    };

    private final Vertx vertx;
    private final HttpClient client;
    private final Addressing addressing;

    public OpenAiUpstream(Vertx vertx, HttpClient client) {
        this(vertx, client, OPENAI);
    }

    public OpenAiUpstream(Vertx vertx, HttpClient client, Addressing addressing) {
        this.vertx = vertx;
        this.client = client;
        this.addressing = addressing;
    }

    /** The endpoint without a trailing slash. */
    public static String baseUrl(UpstreamProvider provider) {
        return provider.endpoint().endsWith("/")
                ? provider.endpoint().substring(0, provider.endpoint().length() - 1)
                : provider.endpoint();
    }

    @Override
    public UpstreamCall send(UpstreamRequest request, UpstreamListener listener) {
        Timeouts timeouts = request.timeouts();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(addressing.url(request))
                .setConnectTimeout(timeouts.connectMs())
                .putHeader("content-type", "application/json")
                .putHeader("accept", request.stream() ? "text/event-stream" : "application/json")
                .putHeader("x-request-id", request.requestId());
        request.provider().headers().forEach(options::putHeader);
        if (request.apiKey() != null) {
            addressing.authorize(options, request.apiKey());
        }
        Exchange exchange = new Exchange(listener, timeouts);
        client.request(options).onComplete(ar -> exchange.connected(ar, request));
        return exchange;
    }

    /** One call's state. Every callback runs on the caller's event loop, so plain fields suffice. */
    private final class Exchange implements UpstreamCall {

        private final UpstreamListener listener;
        private final Timeouts timeouts;
        private final long totalTimer;
        private long firstByteTimer = -1;
        private long idleTimer = -1;
        private long lastDataNanos;
        private HttpClientRequest request;
        private HttpClientResponse response;
        private boolean finished;
        private boolean paused;

        Exchange(UpstreamListener listener, Timeouts timeouts) {
            this.listener = listener;
            this.timeouts = timeouts;
            this.totalTimer = vertx.setTimer(timeouts.totalMs(),
                    id -> abort(new UpstreamFailure(Kind.TIMEOUT, "no complete response within " + timeouts.totalMs() + " ms")));
        }

        void connected(AsyncResult<HttpClientRequest> ar, UpstreamRequest call) {
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
            request.send(call.body()).onComplete(rar -> {
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
         * The idle gap between two chunks. One timer per idle period rather than one per chunk: when it fires
         * early (data came meanwhile) it is set again for the rest of the gap. A paused response is the client's
         * backpressure, not an upstream stall.
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
            String name = cause.getClass().getSimpleName();
            if (name.contains("Timeout")) {
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
}
