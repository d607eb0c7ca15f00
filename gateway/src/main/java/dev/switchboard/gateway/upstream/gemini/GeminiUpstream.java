package dev.switchboard.gateway.upstream.gemini;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.gateway.upstream.Upstream;
import dev.switchboard.gateway.upstream.UpstreamCall;
import dev.switchboard.gateway.upstream.UpstreamFailure;
import dev.switchboard.gateway.upstream.UpstreamFailure.Kind;
import dev.switchboard.gateway.upstream.UpstreamListener;
import dev.switchboard.gateway.upstream.UpstreamRequest;
import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.vertx.core.AsyncResult;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Google Gemini (the Generative Language API, `v1beta`): OpenAI chat and completions become `generateContent` /
 * `streamGenerateContent?alt=sse`, embeddings `batchEmbedContents`. The key travels in `x-goog-api-key`, never in
 * the URL (URLs end up in logs). What Gemini cannot be asked faithfully is refused before any call with 400
 * `unsupported_feature`. Timeouts, cancellation and backpressure behave as for OpenAI upstreams.
 */
public final class GeminiUpstream implements Upstream {

    private final Vertx vertx;
    private final HttpClient client;

    public GeminiUpstream(Vertx vertx, HttpClient client) {
        this.vertx = vertx;
        this.client = client;
    }

    /** `{endpoint}/v1beta/models/{model}:{method}`; a model given as `models/x` or `tunedModels/x` is used as is. */
    static String url(UpstreamProvider provider, String model, Operation operation, boolean stream) {
        String endpoint = provider.endpoint().endsWith("/") ? provider.endpoint().substring(0, provider.endpoint().length() - 1)
                : provider.endpoint();
        String base = endpoint.endsWith("/v1beta") ? endpoint : endpoint + "/v1beta";
        String resource = model.startsWith("models/") || model.startsWith("tunedModels/") ? model : "models/" + model;
        String method = switch (operation) {
            case CHAT, COMPLETIONS -> stream ? "streamGenerateContent?alt=sse" : "generateContent";
            case EMBEDDINGS -> "batchEmbedContents";
            // Never sent: the gateway relays Anthropic's Messages API to Anthropic providers only.
            case MESSAGES -> throw new IllegalArgumentException("Gemini has no Messages API");
        };
        return base + "/" + encodePath(resource) + ":" + method;
    }

    private static String encodePath(String resource) {
        return URLEncoder.encode(resource, StandardCharsets.UTF_8).replace("%2F", "/").replace("+", "%20");
    }

    @Override
    public UpstreamCall send(UpstreamRequest request, UpstreamListener listener) {
        Exchange exchange = new Exchange(listener, request.provider().timeouts());
        JsonObject openAi;
        String model;
        Buffer body;
        try {
            openAi = new JsonObject(request.body());
            model = openAi.getString("model");
            body = switch (request.operation()) {
                case CHAT -> GeminiRequests.chat(openAi, request.stream()).toBuffer();
                case COMPLETIONS -> GeminiRequests.completion(openAi, request.stream()).toBuffer();
                case EMBEDDINGS -> GeminiEmbeddings.request(openAi, model).toBuffer();
                case MESSAGES -> throw Untranslatable.unsupported(null, "Anthropic's Messages API");
            };
        } catch (Untranslatable e) {
            exchange.refuse(e.envelope());
            return exchange;
        } catch (DecodeException | ClassCastException e) {
            exchange.refuse(Untranslatable.invalid(null, "the request body is not a JSON object as the OpenAI API expects").envelope());
            return exchange;
        }
        JsonObject streamOptions = openAi.getValue("stream_options") instanceof JsonObject o ? o : new JsonObject();
        boolean includeUsage = Boolean.TRUE.equals(streamOptions.getValue("include_usage"));
        boolean base64 = "base64".equals(openAi.getValue("encoding_format"));
        long created = System.currentTimeMillis() / 1000;
        exchange.relay = new GeminiRelay(listener, request.operation(), request.stream(), includeUsage, base64, model,
                request.requestId(), created);

        Timeouts timeouts = request.provider().timeouts();
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setAbsoluteURI(url(request.provider(), model, request.operation(), request.stream()))
                .setConnectTimeout(timeouts.connectMs())
                .setIdleTimeout(timeouts.idleMs())
                .putHeader("content-type", "application/json")
                .putHeader("accept", request.stream() ? "text/event-stream" : "application/json")
                .putHeader("x-request-id", request.requestId());
        request.provider().headers().forEach(options::putHeader);
        if (request.apiKey() != null) {
            options.putHeader("x-goog-api-key", request.apiKey());
        }
        exchange.startTimers();
        client.request(options).onComplete(ar -> exchange.connected(ar, body));
        return exchange;
    }

    /** One call's state, on the caller's event loop; the same timeout and cancel rules as OpenAiUpstream. */
    private final class Exchange implements UpstreamCall {

        private final UpstreamListener listener;
        private final Timeouts timeouts;
        private GeminiRelay relay;
        private long totalTimer = -1;
        private long firstByteTimer = -1;
        private HttpClientRequest request;
        private HttpClientResponse response;
        private boolean finished;
        private boolean paused;

        Exchange(UpstreamListener listener, Timeouts timeouts) {
            this.listener = listener;
            this.timeouts = timeouts;
        }

        /** Answers a request that cannot be translated, after send() returned, as a real upstream would. */
        void refuse(JsonObject envelope) {
            finished = true;
            vertx.runOnContext(v -> {
                listener.onHead(400, MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json"));
                listener.onChunk(envelope.toBuffer());
                listener.onEnd();
            });
        }

        void startTimers() {
            totalTimer = vertx.setTimer(timeouts.totalMs(),
                    id -> abort(new UpstreamFailure(Kind.TIMEOUT, "no complete response within " + timeouts.totalMs() + " ms")));
        }

        void connected(AsyncResult<HttpClientRequest> ar, Buffer body) {
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
                    relay.onChunk(chunk);
                }
            });
            response.endHandler(v -> {
                if (!finished) {
                    finished = true;
                    vertx.cancelTimer(totalTimer);
                    relay.onEnd();
                }
            });
            relay.onHead(upstream.statusCode(), upstream.headers());
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
            relay.onFailure(failure);
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
