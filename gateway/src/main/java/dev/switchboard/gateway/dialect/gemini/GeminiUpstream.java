package dev.switchboard.gateway.dialect.gemini;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import dev.switchboard.gateway.dialect.ApiError;
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
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Google Gemini (the Generative Language API, `v1beta`): OpenAI chat and completions become `generateContent` /
 * `streamGenerateContent?alt=sse`, embeddings `batchEmbedContents`. The key travels in `x-goog-api-key`, never in
 * the URL (URLs end up in logs). What Gemini cannot be asked faithfully is refused before any call with 400
 * `unsupported_feature`. The HTTP call (timeouts, cancellation, backpressure) is an {@link UpstreamHttpCall}.
 */
public final class GeminiUpstream implements Upstream {

    private final Vertx vertx;
    private final UpstreamClients clients;

    public GeminiUpstream(Vertx vertx, UpstreamClients clients) {
        this.vertx = vertx;
        this.clients = clients;
    }

    /** `{endpoint}/v1beta/models/{model}:{method}`; a model given as `models/x` or `tunedModels/x` is used as is. */
    static String url(UpstreamProvider provider, String model, Operation operation, boolean stream) {
        String endpoint = Wire.baseUrl(provider);
        String base = endpoint.endsWith("/v1beta") ? endpoint : endpoint + "/v1beta";
        String resource = model.startsWith("models/") || model.startsWith("tunedModels/") ? model : "models/" + model;
        String method = switch (operation) {
            case CHAT, COMPLETIONS -> stream ? "streamGenerateContent?alt=sse" : "generateContent";
            case EMBEDDINGS -> "batchEmbedContents";
            // Never sent: the gateway relays Anthropic's Messages API to Anthropic providers only.
            case MESSAGES, COUNT_TOKENS -> throw new IllegalArgumentException("Gemini has no Messages API");
        };
        return base + "/" + encodePath(resource) + ":" + method;
    }

    private static String encodePath(String resource) {
        return URLEncoder.encode(resource, StandardCharsets.UTF_8).replace("%2F", "/").replace("+", "%20");
    }

    @Override
    public UpstreamCall send(UpstreamRequest request, UpstreamListener listener) {
        JsonObject openAi;
        String model;
        Buffer body;
        try {
            openAi = RequestTrees.parse(request.body());
            model = openAi.getString("model");
            body = switch (request.operation()) {
                case CHAT -> GeminiRequests.chat(openAi, request.stream()).toBuffer();
                case COMPLETIONS -> GeminiRequests.completion(openAi, request.stream()).toBuffer();
                case EMBEDDINGS -> GeminiEmbeddings.request(openAi, model).toBuffer();
                case MESSAGES, COUNT_TOKENS -> throw GeminiRequests.unsupported(null, "Anthropic's Messages API");
            };
        } catch (Untranslatable e) {
            return UpstreamCall.answered(vertx, listener, e.error());
        } catch (RequestTrees.TooComplex e) {
            return UpstreamCall.answered(vertx, listener, ApiError.tooComplex(e.getMessage()));
        } catch (DecodeException | ClassCastException e) {
            return UpstreamCall.answered(vertx, listener, Untranslatable.invalid(null, "the request body is not a JSON object as the OpenAI API expects").error());
        }
        JsonObject streamOptions = openAi.getValue("stream_options") instanceof JsonObject o ? o : new JsonObject();
        boolean includeUsage = Boolean.TRUE.equals(streamOptions.getValue("include_usage"));
        boolean base64 = "base64".equals(openAi.getValue("encoding_format"));
        long created = System.currentTimeMillis() / 1000;
        TranslationGuard relay = new TranslationGuard(new TranslatingListener(listener, new GeminiAnswers(request.operation(), request.stream(),
                includeUsage, base64, model, request.requestId(), created)), listener);

        RequestOptions options = UpstreamHttpCall.jsonPost(url(request.provider(), model, request.operation(), request.stream()), request);
        request.provider().headers().forEach(options::putHeader);
        if (request.apiKey() != null) {
            options.putHeader("x-goog-api-key", request.apiKey());
        }
        return relay.bind(UpstreamHttpCall.start(vertx, clients, options, body, request, relay));
    }
}
