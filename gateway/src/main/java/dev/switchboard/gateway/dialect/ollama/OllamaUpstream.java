package dev.switchboard.gateway.dialect.ollama;

import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.dialect.Untranslatable;
import dev.switchboard.gateway.dialect.Wire;
import dev.switchboard.gateway.json.RequestTrees;
import dev.switchboard.gateway.upstream.OpenAiUpstream;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.gateway.upstream.TranslatingListener;
import dev.switchboard.gateway.upstream.TranslationGuard;
import dev.switchboard.gateway.upstream.Upstream;
import dev.switchboard.gateway.upstream.UpstreamCall;
import dev.switchboard.gateway.upstream.UpstreamClients;
import dev.switchboard.gateway.upstream.UpstreamListener;
import dev.switchboard.gateway.upstream.UpstreamRequest;
import io.vertx.core.Vertx;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Ollama's native API: chat → `/api/chat`, completions → `/api/generate`, embeddings → `/api/embed`, streamed as
 * NDJSON. Requests are translated before they leave ({@link OllamaRequests}, which refuses what Ollama cannot
 * do), answers on the way back ({@link OllamaAnswers}); the HTTP exchange itself, with its timeouts, cancellation
 * and backpressure, is {@link OpenAiUpstream}'s.
 */
public final class OllamaUpstream implements Upstream {

    /** Ollama needs no key; one configured (Ollama behind an authenticating proxy) goes out as a bearer token. */
    static final OpenAiUpstream.Addressing ADDRESSING = new OpenAiUpstream.Addressing() {
        @Override
        public String url(UpstreamRequest request) {
            return nativeBase(Wire.baseUrl(request.provider())) + path(request.operation());
        }

        @Override
        public void authorize(RequestOptions options, String apiKey) {
            options.putHeader("authorization", "Bearer " + apiKey);
        }
    };

    private final Vertx vertx;
    private final OpenAiUpstream transport;

    public OllamaUpstream(Vertx vertx, UpstreamClients clients) {
        this.vertx = vertx;
        this.transport = new OpenAiUpstream(vertx, clients, ADDRESSING);
    }

    /** An endpoint written for Ollama's OpenAI-compatible API (ending in /v1) still means the same server. */
    static String nativeBase(String endpoint) {
        return endpoint.endsWith("/v1") ? endpoint.substring(0, endpoint.length() - 3) : endpoint;
    }

    static String path(Operation operation) {
        return switch (operation) {
            case CHAT -> "/api/chat";
            case COMPLETIONS -> "/api/generate";
            case EMBEDDINGS -> "/api/embed";
            // Never sent: the gateway relays Anthropic's Messages API to Anthropic providers only.
            case MESSAGES, COUNT_TOKENS -> throw new IllegalArgumentException("Ollama has no Messages API");
        };
    }

    @Override
    public UpstreamCall send(UpstreamRequest request, UpstreamListener listener) {
        JsonObject openAi;
        JsonObject ollama;
        try {
            openAi = RequestTrees.parse(request.body());
            ollama = switch (request.operation()) {
                case CHAT -> OllamaRequests.chat(openAi, request.stream());
                case COMPLETIONS -> OllamaRequests.generate(openAi, request.stream());
                case EMBEDDINGS -> OllamaRequests.embed(openAi);
                case MESSAGES, COUNT_TOKENS -> throw Untranslatable.unsupportedBy("Ollama", null, "Anthropic's Messages API");
            };
        } catch (Untranslatable refused) {
            return UpstreamCall.answered(vertx, listener, refused.error());
        } catch (RequestTrees.TooComplex e) {
            return UpstreamCall.answered(vertx, listener, ApiError.tooComplex(e.getMessage()));
        } catch (DecodeException | ClassCastException e) {
            return UpstreamCall.answered(vertx, listener, Untranslatable.invalid(null, "The request body is not a JSON object.").error());
        }
        JsonObject streamOptions = openAi.getValue("stream_options") instanceof JsonObject o ? o : new JsonObject();
        TranslationGuard translating = new TranslationGuard(new TranslatingListener(listener, new OllamaAnswers(request.operation(),
                request.requestId(), request.stream(), Boolean.TRUE.equals(streamOptions.getValue("include_usage")),
                "base64".equals(openAi.getValue("encoding_format")))), listener);
        return translating.bind(transport.send(request.withBody(ollama.toBuffer()), translating));
    }
}
