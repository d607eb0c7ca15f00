package dev.switchboard.gateway.upstream.anthropic;

import dev.switchboard.gateway.upstream.UpstreamCall;
import dev.switchboard.gateway.upstream.UpstreamFailure;
import dev.switchboard.gateway.upstream.UpstreamFailure.Kind;
import dev.switchboard.gateway.upstream.UpstreamListener;
import dev.switchboard.gateway.upstream.UpstreamRequest;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * One call to the Messages API over the shared pooled client, with the provider's connect, first-byte, idle and
 * total timeouts applied the way OpenAiUpstream applies them. Every callback runs on the caller's event loop.
 */
final class AnthropicExchange implements UpstreamCall {

    private final Vertx vertx;
    private final UpstreamListener listener;
    private final Timeouts timeouts;
    private final long totalTimer;
    private long firstByteTimer = -1;
    private HttpClientRequest request;
    private HttpClientResponse response;
    private boolean finished;
    private boolean paused;

    private AnthropicExchange(Vertx vertx, UpstreamListener listener, Timeouts timeouts) {
        this.vertx = vertx;
        this.listener = listener;
        this.timeouts = timeouts;
        this.totalTimer = vertx.setTimer(timeouts.totalMs(),
                id -> abort(new UpstreamFailure(Kind.TIMEOUT, "no complete response within " + timeouts.totalMs() + " ms")));
    }

    static AnthropicExchange start(Vertx vertx, HttpClient client, UpstreamRequest call, Buffer body, String url,
            UpstreamListener listener) {
        Timeouts timeouts = call.provider().timeouts();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(url)
                .setConnectTimeout(timeouts.connectMs())
                .setIdleTimeout(timeouts.idleMs())
                .putHeader("content-type", "application/json")
                .putHeader("accept", call.stream() ? "text/event-stream" : "application/json")
                .putHeader("anthropic-version", AnthropicUpstream.API_VERSION)
                .putHeader("x-request-id", call.requestId());
        // Provider headers may add anthropic-beta flags or override the version.
        call.provider().headers().forEach(options::putHeader);
        if (call.apiKey() != null) {
            options.putHeader("x-api-key", call.apiKey());
        }
        AnthropicExchange exchange = new AnthropicExchange(vertx, listener, timeouts);
        client.request(options).onComplete(ar -> exchange.connected(ar, body));
        return exchange;
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
        response.handler(chunk -> {
            if (!finished) {
                listener.onChunk(chunk);
            }
        });
        response.endHandler(v -> {
            if (!finished) {
                finished = true;
                vertx.cancelTimer(totalTimer);
                listener.onEnd();
            }
        });
        listener.onHead(upstream.statusCode(), upstream.headers());
    }

    private UpstreamFailure classify(Throwable cause, String what) {
        if (cause.getClass().getSimpleName().contains("Timeout")) {
            return new UpstreamFailure(Kind.TIMEOUT, "no data for " + timeouts.idleMs() + " ms");
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
        vertx.cancelTimer(totalTimer);
        vertx.cancelTimer(firstByteTimer);
        listener.onFailure(failure);
    }

    @Override
    public void cancel() {
        if (finished) {
            return;
        }
        finished = true;
        vertx.cancelTimer(totalTimer);
        vertx.cancelTimer(firstByteTimer);
        if (request != null) {
            // Resetting closes the connection, so Anthropic stops generating (and billing) tokens.
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
