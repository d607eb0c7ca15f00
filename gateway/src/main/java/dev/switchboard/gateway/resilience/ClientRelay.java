package dev.switchboard.gateway.resilience;

import org.jboss.logging.Logger;

import dev.switchboard.gateway.access.Settlement;
import dev.switchboard.gateway.dialect.Wire;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.upstream.ChunkedBody;
import dev.switchboard.gateway.upstream.UpstreamCall;
import dev.switchboard.gateway.upstream.UpstreamFailure;
import dev.switchboard.gateway.upstream.UpstreamListener;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * What every client dialect's writer does with the answer the pipeline delivers, whatever it translates: a
 * successful stream the client asked for is relayed as it comes, its SSE head sent at once; anything else (a JSON
 * answer, an error) is held whole until it ends. Writers say what each path writes; once {@link #finished}, late
 * callbacks are ignored.
 */
public abstract class ClientRelay implements UpstreamListener {

    private static final Logger LOG = Logger.getLogger(ClientRelay.class);

    protected final HttpServerResponse response;
    protected final RequestRecord record;
    private final Vertx vertx;
    private final Settlement settlement;
    protected boolean finished;
    /** The client left; whatever still arrives is only read for its usage (nothing more is written). */
    protected boolean clientGone;
    private long drainTimer = -1;
    protected int upstreamStatus;
    protected String retryAfter;
    /** The answer held whole; null while a stream is relayed. */
    protected ChunkedBody buffered;
    private boolean streaming;
    /** The upstream call being relayed, paused while the client's write queue is full. */
    protected UpstreamCall call;
    /** Ends the exchange upstream (the call, and any retry) when the writer gives up on a stream it started. */
    protected Runnable stopUpstream = () -> {
    };

    protected ClientRelay(Vertx vertx, HttpServerResponse response, RequestRecord record, Settlement settlement) {
        this.vertx = vertx;
        this.response = response;
        this.record = record;
        this.settlement = settlement;
    }

    /**
     * The client went away: the request's books close as client-closed, after {@code stop} ended the exchange
     * upstream (so it stops generating tokens nobody reads), at once or, when only the usage is still to come, once
     * it came or {@code drainMs} passed: waiting for it, bounded, rather than guessing.
     */
    protected final void clientLeft(Runnable stop, long drainMs) {
        if (finished || clientGone) {
            return;
        }
        clientGone = true;
        record.ended(RequestRecord.CLIENT_CLOSED);
        if (drainMs > 0 && awaitingUsageOnly()) {
            drainTimer = vertx.setTimer(drainMs, id -> {
                drainTimer = -1;
                stop.run();
                complete();
            });
            return;
        }
        stop.run();
        complete();
    }

    /** True when the upstream has generated everything and only its usage is still to come. */
    protected abstract boolean awaitingUsageOnly();

    /** Closes the request's books, once. */
    protected final void complete() {
        if (!finished) {
            finished = true;
            if (drainTimer >= 0) {
                vertx.cancelTimer(drainTimer);
            }
            settlement.close(record);
        }
    }

    /** The call this writer relays, and how to stop the exchange it belongs to. */
    final void bind(UpstreamCall upstreamCall, Runnable stop) {
        this.call = upstreamCall;
        this.stopUpstream = stop;
    }

    /** Writes to the client (nothing once it left or the answer ended); the upstream pauses while the client lags. */
    protected final void write(Buffer out) {
        if (finished || clientGone || out.length() == 0) {
            return;
        }
        record.markFirstByte();
        response.write(out);
        if (call != null) {
            call.pauseWhileFull(response);
        }
    }

    /** Ends the client's answer, if it is still there, and closes the books. */
    protected final void endStream() {
        if (!finished && !clientGone) {
            response.end();
        }
        complete();
    }

    /** Whether the client asked for a stream. */
    protected abstract boolean wantsStream();

    @Override
    public void onHead(int status, MultiMap headers) {
        if (finished) {
            return;
        }
        upstreamStatus = status;
        retryAfter = headers.get("retry-after");
        if (wantsStream() && Wire.isEventStream(status, headers)) {
            streaming = true;
            record.ended(200);
            record.answered();
            Wire.startEventStream(response);
            streamStarted();
        } else {
            buffered = new ChunkedBody();
        }
    }

    @Override
    public void onChunk(Buffer chunk) {
        if (finished) {
            return;
        }
        if (streaming) {
            streamChunk(chunk);
        } else {
            buffered.append(chunk);
        }
    }

    @Override
    public void onEnd() {
        if (finished) {
            return;
        }
        if (streaming) {
            streamEnded();
        } else if (upstreamStatus / 100 == 2) {
            relayJson();
        } else {
            relayError();
        }
    }

    /** The pipeline delivers a failure only for an answer it already handed to the client: a stream it committed. */
    @Override
    public void onFailure(UpstreamFailure failure) {
        if (finished) {
            return;
        }
        // The pipeline counted the failure; details (addresses, socket errors) go to the debug log only: clients
        // learn what failed, not where.
        LOG.debugf("request %s: provider %s failed: %s", record.requestId(), record.provider(), failure.message());
        failed(failure);
    }

    /** How the writer ends the client's answer after the upstream failed. */
    protected abstract void failed(UpstreamFailure failure);

    /** True once the SSE response head was sent. */
    protected boolean streaming() {
        return streaming;
    }

    /** The SSE head is out: what the writer needs (its decoder) or sends before the first upstream event. */
    protected abstract void streamStarted();

    /** A chunk of the upstream's stream. */
    protected abstract void streamChunk(Buffer chunk);

    /** The upstream's stream ended. */
    protected abstract void streamEnded();

    /** A successful whole answer ended. */
    protected abstract void relayJson();

    /** An error answer ended. */
    protected abstract void relayError();
}
