package dev.switchboard.gateway.dialect.anthropic;

import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.dialect.FrameDecoder;
import dev.switchboard.gateway.dialect.Untranslatable;
import dev.switchboard.gateway.dialect.Wire;
import dev.switchboard.gateway.json.RequestTrees;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.gateway.upstream.TranslatingListener;
import dev.switchboard.gateway.upstream.TranslationGuard;
import dev.switchboard.gateway.upstream.Upstream;
import dev.switchboard.gateway.upstream.UpstreamCall;
import dev.switchboard.gateway.upstream.UpstreamClients;
import dev.switchboard.gateway.upstream.UpstreamHttpCall;
import dev.switchboard.gateway.upstream.UpstreamListener;
import dev.switchboard.gateway.upstream.UpstreamRequest;
import dev.switchboard.routing.UpstreamProvider;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * The `Anthropic` provider type: `POST {endpoint}/v1/messages` with `x-api-key` and `anthropic-version`. Chat
 * requests are translated from OpenAI's format and the answers (JSON or SSE) back into it, so the gateway sees
 * an OpenAI upstream; {@link Operation#MESSAGES} and {@link Operation#COUNT_TOKENS} requests (from /v1/messages and
 * /v1/messages/count_tokens) are relayed untranslated.
 */
public final class AnthropicUpstream implements Upstream {

    public static final String API_VERSION = "2023-06-01";

    private final Vertx vertx;
    private final UpstreamClients clients;

    public AnthropicUpstream(Vertx vertx, UpstreamClients clients) {
        this.vertx = vertx;
        this.clients = clients;
    }

    /** The endpoint is the API root (https://api.anthropic.com); one already ending in /v1 is taken as is. */
    static String url(UpstreamProvider provider, Operation operation) {
        String endpoint = Wire.baseUrl(provider);
        return (endpoint.endsWith("/v1") ? endpoint : endpoint + "/v1") + operation.path();
    }

    @Override
    public UpstreamCall send(UpstreamRequest request, UpstreamListener listener) {
        if (request.operation() == Operation.MESSAGES || request.operation() == Operation.COUNT_TOKENS) {
            return call(request, request.operation(), request.body(), listener);
        }
        if (request.operation() != Operation.CHAT) {
            return refuse(listener, Untranslatable.unsupported(null,
                    "Anthropic providers serve chat completions only, not " + request.operation().name().toLowerCase(java.util.Locale.ROOT) + "."));
        }
        ChatToMessages.Translation translation;
        try {
            translation = ChatToMessages.translate(RequestTrees.parse(request.body()));
        } catch (Untranslatable e) {
            return refuse(listener, e);
        } catch (RequestTrees.TooComplex e) {
            return UpstreamCall.answered(vertx, listener, ApiError.tooComplex(e.getMessage()));
        } catch (DecodeException | ClassCastException e) {
            return refuse(listener, Untranslatable.unsupported(null, "The request body is not a JSON object."));
        }
        TranslationGuard translating = new TranslationGuard(
                new TranslatingListener(listener, new Answers(translation, System.currentTimeMillis() / 1000)), listener);
        return translating.bind(call(request, Operation.MESSAGES, translation.body().toBuffer(), translating));
    }

    /** `POST /v1/messages` (or its count_tokens) with `x-api-key` and `anthropic-version`, under the provider's own timeouts. */
    private UpstreamCall call(UpstreamRequest request, Operation operation, Buffer body, UpstreamListener listener) {
        RequestOptions options = UpstreamHttpCall.jsonPost(url(request.provider(), operation), request)
                .putHeader("anthropic-version", API_VERSION);
        // Provider headers may add anthropic-beta flags or override the version.
        request.provider().headers().forEach(options::putHeader);
        if (request.apiKey() != null) {
            options.putHeader("x-api-key", request.apiKey());
        }
        return UpstreamHttpCall.start(vertx, clients, options, body, request, listener);
    }

    /** Answers like an upstream refusing the request, on a later turn of the event loop as a real answer would. */
    private UpstreamCall refuse(UpstreamListener listener, Untranslatable refusal) {
        return UpstreamCall.answered(vertx, listener, refusal.error());
    }

    /** Turns Anthropic's answer into what an OpenAI server would have sent. */
    private record Answers(ChatToMessages.Translation translation, long created) implements TranslatingListener.Translation {

        @Override
        public TranslatingListener.Stream stream(int status, MultiMap headers) {
            if (!Wire.isEventStream(status, headers)) {
                return null;
            }
            MessageStreamToChunks chunks = new MessageStreamToChunks(translation.jsonTool(), translation.includeUsage(), created);
            return new TranslatingListener.Stream() {
                private final FrameDecoder decoder = FrameDecoder.sseData((name, data) -> {
                    JsonObject event;
                    try {
                        event = new JsonObject(data);
                    } catch (DecodeException | ClassCastException e) {
                        // Not an event this translation understands; Anthropic only sends JSON objects.
                        return;
                    }
                    chunks.event(event, out());
                });

                @Override
                protected void feed(Buffer chunk) {
                    decoder.feed(chunk);
                }

                @Override
                protected void end() {
                    decoder.finish();
                }
            };
        }

        @Override
        public void whole(int status, MultiMap headers, Buffer body, UpstreamListener downstream) {
            MultiMap out = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
            if (status / 100 == 2) {
                JsonObject message;
                try {
                    message = new JsonObject(body);
                } catch (DecodeException | ClassCastException e) {
                    // Handed on as is: the gateway reports a non-JSON answer as an invalid upstream response.
                    downstream.onHead(status, out);
                    downstream.onChunk(body);
                    downstream.onEnd();
                    return;
                }
                downstream.onHead(status, out);
                downstream.onChunk(MessageToChat.translate(message, translation.jsonTool(), created).toBuffer());
                downstream.onEnd();
                return;
            }
            AnthropicErrors.Mapped error = AnthropicErrors.map(status, body);
            String retryAfter = headers.get("retry-after");
            if (retryAfter != null) {
                out.add("retry-after", retryAfter);
            }
            downstream.onHead(error.status(), out);
            downstream.onChunk(error.envelope().toBuffer());
            downstream.onEnd();
        }
    }
}
