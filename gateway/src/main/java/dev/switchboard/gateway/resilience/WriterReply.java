package dev.switchboard.gateway.resilience;

import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.upstream.TranslationGuard;
import dev.switchboard.gateway.upstream.UpstreamCall;
import dev.switchboard.gateway.upstream.UpstreamListener;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * The {@link ClientReply} of a client dialect whose answers come in more than one format: the writer is chosen when
 * the pipeline delivers, by the operation the answering attempt used (a provider's own answer relayed, or a chat
 * answer translated). Until then a client that leaves stops the exchange, and an error is rendered in the client's
 * envelope by {@link #sendError}.
 */
public abstract class WriterReply implements ClientReply {

    protected final RoutingContext ctx;
    protected final RequestRecord record;
    protected final ReplyMetering metering;
    /** The model name the client sent; answers carry it, never the upstream's name. */
    protected final String publicModel;
    private final HttpServerResponse response;
    private ClientRelay writer;
    /** The pipeline's way to stop the exchange (cancel the attempt, stop retrying), as registered in {@link #onClientGone}. */
    private Runnable stopExchange = () -> {
    };
    private boolean ended;

    protected WriterReply(RoutingContext ctx, RequestRecord record, ReplyMetering metering, String publicModel) {
        this.ctx = ctx;
        this.response = ctx.response();
        this.record = record;
        this.metering = metering;
        this.publicModel = publicModel;
    }

    /** The writer for the answer of an attempt that called {@code served.operation()}. */
    protected abstract ClientRelay writerFor(Served served);

    /** Answers with the pipeline's error in the client's envelope; returns the status sent. */
    protected abstract int sendError(ExchangeError error);

    @Override
    public final UpstreamListener deliver(Served served, UpstreamCall call) {
        served.headers(response::putHeader);
        writer = writerFor(served);
        writer.bind(call, stopExchange);
        return new TranslationGuard(writer, writer).stopping(stopExchange);
    }

    @Override
    public final void fail(ExchangeError error) {
        if (ended) {
            return;
        }
        ended = true;
        error.headers(response::putHeader);
        record.ended(sendError(error));
        record.failed(error.reason());
        metering.settlement().close(record);
    }

    @Override
    public final void onClientGone(Runnable action) {
        stopExchange = action;
        response.closeHandler(v -> {
            if (writer != null) {
                writer.clientLeft(action);
            } else if (!ended) {
                // Still choosing a target: the pipeline stops the attempt in flight and retries no more.
                ended = true;
                action.run();
                record.ended(RequestRecord.CLIENT_CLOSED);
                metering.settlement().close(record);
            }
        });
    }
}
