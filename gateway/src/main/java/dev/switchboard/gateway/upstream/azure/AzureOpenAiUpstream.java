package dev.switchboard.gateway.upstream.azure;

import dev.switchboard.gateway.upstream.OpenAiUpstream;
import dev.switchboard.gateway.upstream.TranslationGuard;
import dev.switchboard.gateway.upstream.Upstream;
import dev.switchboard.gateway.upstream.UpstreamCall;
import dev.switchboard.gateway.upstream.UpstreamClients;
import dev.switchboard.gateway.upstream.UpstreamListener;
import dev.switchboard.gateway.upstream.UpstreamRequest;
import io.vertx.core.Vertx;

/**
 * Azure OpenAI: OpenAI's wire format at deployment URLs ({@link AzureAddressing}) with Azure's errors put into
 * OpenAI's shape ({@link AzureErrors}). Answers, streams included, pass through as they come.
 */
public final class AzureOpenAiUpstream implements Upstream {

    private final OpenAiUpstream transport;

    public AzureOpenAiUpstream(Vertx vertx, UpstreamClients clients) {
        this.transport = new OpenAiUpstream(vertx, clients, new AzureAddressing());
    }

    @Override
    public UpstreamCall send(UpstreamRequest request, UpstreamListener listener) {
        TranslationGuard translating = new TranslationGuard(new AzureErrors(listener), listener);
        return translating.bind(transport.send(request, translating));
    }
}
