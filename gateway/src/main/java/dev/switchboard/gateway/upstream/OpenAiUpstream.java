package dev.switchboard.gateway.upstream;

import dev.switchboard.gateway.dialect.Wire;
import io.vertx.core.Vertx;
import io.vertx.core.http.RequestOptions;

/**
 * Speaks the OpenAI wire format to OpenAI and OpenAI-compatible servers (vLLM, LM Studio, DeepSeek, ...) over
 * one shared, pooled keep-alive HTTP client. The body is forwarded as the client sent it apart from the model
 * name; the response is streamed back chunk by chunk. Where a call goes and how it carries the key is an
 * {@link Addressing}, so Azure OpenAI (deployment URLs, `api-key`) and the translating adapters reuse this
 * adapter; the call itself (timeouts, cancellation, backpressure) is an {@link UpstreamHttpCall}.
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
            return Wire.baseUrl(request.provider()) + request.operation().path();
        }

        @Override
        public void authorize(RequestOptions options, String apiKey) {
            options.putHeader("authorization", "Bearer " + apiKey);
        }
    };

    private final Vertx vertx;
    private final UpstreamClients clients;
    private final Addressing addressing;

    public OpenAiUpstream(Vertx vertx, UpstreamClients clients) {
        this(vertx, clients, OPENAI);
    }

    public OpenAiUpstream(Vertx vertx, UpstreamClients clients, Addressing addressing) {
        this.vertx = vertx;
        this.clients = clients;
        this.addressing = addressing;
    }

    @Override
    public UpstreamCall send(UpstreamRequest request, UpstreamListener listener) {
        RequestOptions options = UpstreamHttpCall.jsonPost(addressing.url(request), request);
        request.provider().headers().forEach(options::putHeader);
        if (request.apiKey() != null) {
            addressing.authorize(options, request.apiKey());
        }
        return UpstreamHttpCall.start(vertx, clients, options, request.body(), request, listener);
    }
}
