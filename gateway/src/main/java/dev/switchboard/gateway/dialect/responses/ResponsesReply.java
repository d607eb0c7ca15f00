package dev.switchboard.gateway.dialect.responses;

import dev.switchboard.gateway.access.Settlement;
import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.resilience.ClientRelay;
import dev.switchboard.gateway.resilience.ExchangeError;
import dev.switchboard.gateway.resilience.Served;
import dev.switchboard.gateway.resilience.WriterReply;
import dev.switchboard.gateway.telemetry.GatewayMetrics;
import dev.switchboard.gateway.upstream.Operation;
import io.vertx.ext.web.RoutingContext;

/**
 * The Responses API reply of /v1/responses (a {@link WriterReply}). The answer the pipeline chose is written by the writer
 * for its format: an OpenAI or Azure OpenAI provider's own Responses answer (the attempt called
 * {@link Operation#RESPONSES}) is relayed by {@link ResponsesPassthroughWriter}, any other provider's chat answer is
 * translated by {@link ResponsesTranslatingWriter}. Errors take OpenAI's envelope.
 */
public final class ResponsesReply extends WriterReply {

    private final RoutingContext ctx;
    private final GatewayMetrics metrics;
    private final String publicModel;
    private final ResponseShell shell;

    /**
     * {@code shell}: the response a translated answer fills in, null when every target takes the request untranslated;
     * {@code usageDrainMs}: how long a stream is read on for its usage when the client left after the last content.
     */
    public ResponsesReply(RoutingContext ctx, RequestRecord record, Settlement settlement, GatewayMetrics metrics, String publicModel,
            ResponseShell shell, long usageDrainMs) {
        super(ctx.response(), record, settlement, usageDrainMs);
        this.ctx = ctx;
        this.metrics = metrics;
        this.publicModel = publicModel;
        this.shell = shell;
    }

    @Override
    protected ClientRelay writerFor(Served served) {
        return served.operation() == Operation.RESPONSES ? new ResponsesPassthroughWriter(ctx, record, settlement, publicModel)
                : new ResponsesTranslatingWriter(ctx, record, settlement, metrics, publicModel, shell);
    }

    @Override
    protected int sendError(ExchangeError error) {
        ApiError answer = new ApiError(error.status(), error.type(), error.code(), null, error.message());
        answer.send(ctx);
        return answer.status();
    }
}
