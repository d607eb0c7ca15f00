package dev.switchboard.gateway.dialect.responses;

import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.resilience.ClientRelay;
import dev.switchboard.gateway.resilience.ExchangeError;
import dev.switchboard.gateway.resilience.ReplyMetering;
import dev.switchboard.gateway.resilience.Served;
import dev.switchboard.gateway.resilience.WriterReply;
import dev.switchboard.gateway.upstream.Operation;
import io.vertx.ext.web.RoutingContext;

/**
 * The Responses API reply of /v1/responses (a {@link WriterReply}). The answer the pipeline chose is written by the writer
 * for its format: an OpenAI or Azure OpenAI provider's own Responses answer (the attempt called
 * {@link Operation#RESPONSES}) is relayed by {@link ResponsesPassthroughWriter}, any other provider's chat answer is
 * translated by {@link ResponsesTranslatingWriter}. Errors take OpenAI's envelope.
 */
public final class ResponsesReply extends WriterReply {

    /** The response a translated answer fills in, null when every target takes the request untranslated. */
    private final ResponseShell shell;

    public ResponsesReply(RoutingContext ctx, RequestRecord record, ReplyMetering metering, String publicModel, ResponseShell shell) {
        super(ctx, record, metering, publicModel);
        this.shell = shell;
    }

    @Override
    protected ClientRelay writerFor(Served served) {
        return served.operation() == Operation.RESPONSES ? new ResponsesPassthroughWriter(ctx, record, metering, publicModel)
                : new ResponsesTranslatingWriter(ctx, record, metering, publicModel, shell);
    }

    @Override
    protected int sendError(ExchangeError error) {
        ApiError answer = new ApiError(error.status(), error.type(), error.code(), null, error.message());
        answer.send(ctx);
        return answer.status();
    }
}
