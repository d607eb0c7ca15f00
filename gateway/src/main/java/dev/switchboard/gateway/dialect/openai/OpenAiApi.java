package dev.switchboard.gateway.dialect.openai;

import dev.switchboard.gateway.capability.RequestFeatures;
import dev.switchboard.gateway.front.Inbound;
import dev.switchboard.gateway.front.PreparedRequest;
import dev.switchboard.gateway.json.JsonFields;
import dev.switchboard.gateway.resilience.AttemptRequest;
import dev.switchboard.gateway.resilience.ClientReply;
import dev.switchboard.gateway.resilience.ReplyMetering;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.gateway.upstream.Upstreams;
import dev.switchboard.routing.ModelRoute.Target;
import dev.switchboard.routing.UpstreamProvider;

/**
 * OpenAI's /v1/chat/completions, /v1/completions and /v1/embeddings (see {@link OpenAiApis}). The hub dialect: every
 * target gets the client's bytes with only {@code model} rewritten, and adapters of other types translate from them.
 */
final class OpenAiApi extends OpenAiWording {

    private final Operation operation;
    /** The access log's name for it, made once rather than per request. */
    private final String endpoint;
    private final Upstreams upstreams;
    private final ReplyMetering metering;

    OpenAiApi(Operation operation, Upstreams upstreams, ReplyMetering metering) {
        this.operation = operation;
        this.endpoint = operation.name().toLowerCase(java.util.Locale.ROOT);
        this.upstreams = upstreams;
        this.metering = metering;
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public boolean canStream() {
        return operation.canStream();
    }

    @Override
    public PreparedRequest prepare(Inbound request) {
        JsonFields body = request.body();
        RequestFeatures features = RequestFeatures.of(operation, request.stream(), request.raw());
        boolean clientWantsUsage = body.includeUsageRequested();
        if (request.stream() && !clientWantsUsage) {
            // Ask for usage anyway so tokens are accounted; the reply hides it from this client again.
            body.requestUsage();
        }
        return new PreparedRequest() {
            @Override
            public RequestFeatures features() {
                return features;
            }

            @Override
            public AttemptRequest forAttempt(UpstreamProvider provider, Target target) {
                return new AttemptRequest(operation,
                        upstreams.speaksOpenAi(provider.type()) ? request.forwardingClientHeaders(provider) : provider,
                        body.toBufferWithModel(target.model()));
            }

            @Override
            public ClientReply reply() {
                return new OpenAiReply(request.ctx(), request.record(), metering, request.model(), clientWantsUsage);
            }
        };
    }
}
