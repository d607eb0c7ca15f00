package dev.switchboard.gateway.resilience;

import dev.switchboard.gateway.access.Settlement;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.upstream.TranslationGuard;
import dev.switchboard.gateway.upstream.UpstreamCall;
import dev.switchboard.gateway.upstream.UpstreamListener;
import io.vertx.core.http.HttpServerResponse;

/**
 * The {@link ClientReply} of a client dialect whose answers come in more than one format: the writer is chosen when
 * the pipeline delivers, by the operation the answering attempt used (a provider's own answer relayed, or a chat
 * answer translated). Until then a client that leaves stops the exchange, and an error is rendered in the client's
 * envelope by {@link #sendError}.
 */
public abstract class WriterReply implements ClientReply {

    protected final RequestRecord record;
    protected final Settlement settlement;
    private final HttpServerResponse response;
    private final long usageDrainMs;
    private ClientRelay writer;
    /** The pipeline's way to stop the exchange (cancel the attempt, stop retrying), as registered in {@link #onClientGone}. */
    private Runnable stopExchange = () -> {
    };
    private boolean ended;

    /** {@code usageDrainMs}: how long a stream is read on for its usage when the client left after the last content. */
    protected WriterReply(HttpServerResponse response, RequestRecord record, Settlement settlement, long usageDrainMs) {
        this.response = response;
        this.record = record;
        this.settlement = settlement;
        this.usageDrainMs = usageDrainMs;
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
        settlement.close(record);
    }

    @Override
    public final void onClientGone(Runnable action) {
        stopExchange = action;
        response.closeHandler(v -> {
            if (writer != null) {
                writer.clientLeft(action, usageDrainMs);
            } else if (!ended) {
                // Still choosing a target: the pipeline stops the attempt in flight and retries no more.
                ended = true;
                action.run();
                record.ended(RequestRecord.CLIENT_CLOSED);
                settlement.close(record);
            }
        });
    }
}
