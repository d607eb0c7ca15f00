package dev.switchboard.gateway.dialect.responses;

import dev.switchboard.gateway.access.Settlement;
import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.resilience.ClientReply;
import dev.switchboard.gateway.resilience.ExchangeError;
import dev.switchboard.gateway.resilience.Served;
import dev.switchboard.gateway.telemetry.GatewayMetrics;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.gateway.upstream.TranslationGuard;
import dev.switchboard.gateway.upstream.UpstreamCall;
import dev.switchboard.gateway.upstream.UpstreamListener;
import io.vertx.ext.web.RoutingContext;

/**
 * The Responses API {@link ClientReply} of /v1/responses. The answer the pipeline chose is written by the writer
 * for its format: an OpenAI or Azure OpenAI provider's own Responses answer (the attempt called
 * {@link Operation#RESPONSES}) is relayed by {@link ResponsesPassthroughWriter}, any other provider's chat answer is
 * translated by {@link ResponsesTranslatingWriter}. Errors take OpenAI's envelope.
 */
public final class ResponsesReply implements ClientReply {

    private final RoutingContext ctx;
    private final RequestRecord record;
    private final Settlement settlement;
    private final GatewayMetrics metrics;
    private final String publicModel;
    private final ResponseShell shell;
    private final long usageDrainMs;
    private ResponsesRelay writer;
    /** The pipeline's way to stop the exchange (cancel the attempt, stop retrying), as registered in {@link #onClientGone}. */
    private Runnable stopExchange = () -> {
    };
    private boolean closed;

    /**
     * {@code shell}: the response a translated answer fills in, null when every target takes the request untranslated;
     * {@code usageDrainMs}: how long a stream is read on for its usage when the client left after the last content.
     */
    public ResponsesReply(RoutingContext ctx, RequestRecord record, Settlement settlement, GatewayMetrics metrics, String publicModel,
            ResponseShell shell, long usageDrainMs) {
        this.ctx = ctx;
        this.record = record;
        this.settlement = settlement;
        this.metrics = metrics;
        this.publicModel = publicModel;
        this.shell = shell;
        this.usageDrainMs = usageDrainMs;
    }

    @Override
    public UpstreamListener deliver(Served served, UpstreamCall call) {
        served.headers(ctx.response()::putHeader);
        writer = served.operation() == Operation.RESPONSES ? new ResponsesPassthroughWriter(ctx, record, settlement, publicModel)
                : new ResponsesTranslatingWriter(ctx, record, settlement, metrics, publicModel, shell);
        writer.bind(call, stopExchange);
        return new TranslationGuard(writer, writer).stopping(stopExchange);
    }

    @Override
    public void fail(ExchangeError error) {
        if (closed) {
            return;
        }
        closed = true;
        error.headers(ctx.response()::putHeader);
        ApiError answer = new ApiError(error.status(), error.type(), error.code(), null, error.message());
        record.ended(answer.status());
        record.failed(error.code() != null ? error.code() : error.type());
        answer.send(ctx);
        settlement.close(record);
    }

    @Override
    public void onClientGone(Runnable action) {
        stopExchange = action;
        ctx.response().closeHandler(v -> {
            if (writer != null) {
                writer.clientGone(action, usageDrainMs);
                return;
            }
            if (!closed) {
                // Still choosing a target: the pipeline stops the attempt in flight and retries no more.
                closed = true;
                action.run();
                record.ended(RequestRecord.CLIENT_CLOSED);
                settlement.close(record);
            }
        });
    }
}
