package dev.switchboard.gateway.resilience;

import org.jboss.logging.Logger;

import dev.switchboard.gateway.dialect.FrameDecoder;
import dev.switchboard.gateway.dialect.Wire;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.telemetry.GatewayMetrics;
import dev.switchboard.gateway.upstream.ChunkedBody;
import dev.switchboard.gateway.upstream.UpstreamCall;
import dev.switchboard.gateway.upstream.UpstreamFailure;
import dev.switchboard.gateway.upstream.UpstreamListener;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * What every client dialect's writer does with the answer the pipeline delivers, whatever it translates: a
 * successful stream the client asked for is relayed as it comes, its SSE head sent at once; anything else (a JSON
 * answer, an error) is held whole until it ends. Writers say what each path writes; once {@link #finished}, late
 * callbacks are ignored.
 * <p>
 * A writer that reads the upstream's stream event by event hands its {@link StreamEvents} to {@link #relayEvents}: the
 * stream is then decoded here, the events of one upstream chunk leave in one write, and a stream the upstream ends or
 * breaks before it was complete is recorded as interrupted and ends with the writer's error event.
 */
public abstract class ClientRelay implements UpstreamListener {

    private static final Logger LOG = Logger.getLogger(ClientRelay.class);

    protected final RoutingContext ctx;
    protected final HttpServerResponse response;
    protected final RequestRecord record;
    /** The model name the client sent; answers carry it, never the upstream's name. */
    protected final String publicModel;
    /** Where an upstream answer that cannot be relayed is counted. */
    protected final GatewayMetrics metrics;
    private final Vertx vertx;
    private final ReplyMetering metering;
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
    /** The writer's events of a stream read event by event; null when the writer relays its stream otherwise. */
    private StreamEvents events;
    private FrameDecoder decoder;
    /** The client's events of the upstream chunk being decoded, which leave together; null between chunks. */
    private Buffer out;

    protected ClientRelay(RoutingContext ctx, RequestRecord record, ReplyMetering metering, String publicModel) {
        this.ctx = ctx;
        this.vertx = ctx.vertx();
        this.response = ctx.response();
        this.record = record;
        this.metering = metering;
        this.metrics = metering.metrics();
        this.publicModel = publicModel;
    }

    /**
     * Reads a successful stream event by event into these events (see {@link StreamEvents}). A writer that does not
     * relays its stream itself, overriding {@link #streamStarted}, {@link #streamChunk}, {@link #streamEnded} and
     * {@link #streamBroke}.
     */
    protected final void relayEvents(StreamEvents streamEvents) {
        this.events = streamEvents;
    }

    /**
     * The client went away: the request's books close as client-closed, after {@code stop} ended the exchange
     * upstream (so it stops generating tokens nobody reads), at once or, when only the usage is still to come, once
     * it came or the usage drain time passed (see {@link ReplyMetering}): waiting for it, bounded, rather than guessing.
     */
    protected final void clientLeft(Runnable stop) {
        long drainMs = metering.usageDrainMs();
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
    protected boolean awaitingUsageOnly() {
        return events != null && events.usageOnlyToCome();
    }

    /** Closes the request's books, once. */
    protected final void complete() {
        if (!finished) {
            finished = true;
            if (drainTimer >= 0) {
                vertx.cancelTimer(drainTimer);
            }
            metering.settlement().close(record);
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

    /** Answers with an error before anything was sent, unless the answer already ended; {@code send} writes its envelope. */
    protected final void answerError(int status, String reason, Runnable send) {
        if (finished) {
            return;
        }
        record.ended(status);
        record.failedUnlessExplained(reason);
        send.run();
        complete();
    }

    /** A whole JSON answer, as the client gets it. */
    protected final void answerJson(int status, Buffer body) {
        record.ended(status);
        record.markFirstByte();
        response.setStatusCode(status).putHeader("content-type", "application/json").end(body);
        complete();
    }

    /** Ends the client's answer, if it is still there, and closes the books. */
    protected final void endStream() {
        if (!finished && !clientGone) {
            response.end();
        }
        complete();
    }

    /** Whether the client asked for a stream. */
    protected boolean wantsStream() {
        return record.stream();
    }

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

    /**
     * How the writer ends the client's answer after the upstream failed: nothing more once the client left; a started
     * stream recorded as interrupted and ended by {@link #streamBroke}; else the writer's error answer.
     */
    protected void failed(UpstreamFailure failure) {
        if (clientGone) {
            complete();
        } else if (streaming) {
            record.failed("stream_interrupted");
            streamBroke(failure.kind() == UpstreamFailure.Kind.INVALID ? "The stream from provider " + record.provider() + " could not be read."
                    : "The stream from provider " + record.provider() + " broke before it was complete.");
        } else {
            failedBeforeAnswer(failure);
        }
    }

    /** How the writer answers, in the client's envelope, an upstream that failed before the answer started. */
    protected abstract void failedBeforeAnswer(UpstreamFailure failure);

    /** True once the SSE response head was sent. */
    protected boolean streaming() {
        return streaming;
    }

    /** The SSE head is out: the upstream's stream is decoded from now on, and the writer's opening events leave. */
    protected void streamStarted() {
        decoder = FrameDecoder.sse(event -> events.event(event, out));
        out = Buffer.buffer();
        events.opening(out);
        flush();
    }

    /** A chunk of the upstream's stream: its events leave in one write; a stream the writer abandons ends. */
    protected void streamChunk(Buffer chunk) {
        out = Buffer.buffer(chunk.length() + 64);
        decoder.feed(chunk);
        flush();
        if (events.abandoned()) {
            // Through the pipeline, so the attempt ends without a verdict and no timer outlives the request.
            stopUpstream.run();
            endStream();
        }
    }

    /**
     * The upstream's stream ended. Unless the client already left, a stream that ended before its last event is
     * recorded as interrupted and gets the writer's error event; then the client's stream ends and the books close.
     */
    protected void streamEnded() {
        out = Buffer.buffer();
        decoder.finish();
        if (!clientGone && !events.streamComplete()) {
            record.failed("stream_interrupted");
            events.cutShort(out, "The upstream ended the stream before it was complete.");
        }
        flush();
        endStream();
    }

    /** Ends a started stream that broke upstream with the writer's error event. */
    protected void streamBroke(String message) {
        out = Buffer.buffer();
        events.cutShort(out, message);
        flush();
        endStream();
    }

    private void flush() {
        Buffer pending = out;
        out = null;
        write(pending);
    }

    /** A successful whole answer ended. */
    protected abstract void relayJson();

    /** An error answer ended. */
    protected abstract void relayError();
}
