package dev.switchboard.gateway.dialect.openai;

import java.nio.charset.StandardCharsets;

import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.dialect.FrameDecoder;
import dev.switchboard.gateway.json.JsonFields;
import dev.switchboard.gateway.resilience.ClientRelay;
import dev.switchboard.gateway.resilience.ClientReply;
import dev.switchboard.gateway.resilience.ExchangeError;
import dev.switchboard.gateway.resilience.ReplyMetering;
import dev.switchboard.gateway.resilience.Served;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.upstream.TranslationGuard;
import dev.switchboard.gateway.upstream.UpstreamCall;
import dev.switchboard.gateway.upstream.UpstreamFailure;
import dev.switchboard.gateway.upstream.UpstreamListener;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * The OpenAI-format {@link ClientReply}: relays the upstream response the pipeline chose to the client. A successful stream is passed through event by event with two
 * edits only: `model` becomes the public name the client asked for, and usage is read (and hidden again when
 * the gateway, not the client, asked for it). Everything else is buffered JSON with the same edits.
 *
 * A client that leaves a stream after its finish reason, before the usage chunk that follows it, does not make the
 * request free: the generation is over, so the upstream is read on (without writing) for up to the usage drain time (see ReplyMetering)
 * to get its usage. A client that leaves earlier stops the upstream at once, and the request is charged an estimate
 * (see Settlement).
 */
public final class OpenAiReply extends ClientRelay implements ClientReply {

    private static final Buffer DONE = Buffer.buffer("[DONE]");
    private static final byte[] DATA_PREFIX = "data: ".getBytes(StandardCharsets.US_ASCII);

    private final boolean clientWantsUsage;
    /** The pipeline's way to stop the exchange (cancel the attempt, stop retrying), as registered in {@link #onClientGone}. */
    private Runnable stopExchange = () -> {
    };
    private FrameDecoder sse;
    private Buffer outgoing;
    private boolean doneSeen;
    /** A chunk carried a finish reason: only the usage chunk and [DONE] are still to come. */
    private boolean generationOver;

    public OpenAiReply(RoutingContext ctx, RequestRecord record, ReplyMetering metering, String publicModel, boolean clientWantsUsage) {
        super(ctx, record, metering, publicModel);
        this.clientWantsUsage = clientWantsUsage;
    }

    @Override
    public void onClientGone(Runnable action) {
        stopExchange = action;
        response.closeHandler(v -> clientLeft(action));
    }

    @Override
    public UpstreamListener deliver(Served served, UpstreamCall upstreamCall) {
        this.call = upstreamCall;
        served.headers(response::putHeader);
        // An answer this reply cannot relay ends the exchange with the gateway's error at once, not at the deadline.
        return new TranslationGuard(this, this).stopping(stopExchange);
    }

    @Override
    public void fail(ExchangeError error) {
        error.headers(response::putHeader);
        fail(new ApiError(error.status(), error.type(), error.code(), null, error.message()));
    }

    @Override
    protected void streamStarted() {
        sse = FrameDecoder.sse(this::relayEvent);
    }

    @Override
    protected void streamChunk(Buffer chunk) {
        sse.feed(chunk);
        flush();
        if (!clientGone) {
            call.pauseWhileFull(response);
        }
    }

    @Override
    protected void streamEnded() {
        sse.finish();
        if (clientGone) {
            complete();
            return;
        }
        if (!doneSeen && record.errorCode() == null) {
            streamError("stream_interrupted", "The upstream ended the stream before it was complete.");
        }
        flush();
        response.end();
        complete();
    }

    /** Unlike the other dialects' writers, an answer not yet started gets its error even once the client left. */
    @Override
    protected void failed(UpstreamFailure failure) {
        if (!streaming()) {
            failedBeforeAnswer(failure);
            return;
        }
        if (clientGone) {
            complete();
            return;
        }
        streamBroke(switch (failure.kind()) {
            case TIMEOUT -> "The stream from provider " + record.provider() + " stalled or ran out of time: " + failure.message() + ".";
            case INVALID -> "The stream from provider " + record.provider() + " could not be read.";
            default -> "The stream from provider " + record.provider() + " broke before it was complete.";
        });
    }

    @Override
    protected void failedBeforeAnswer(UpstreamFailure failure) {
        fail(failure.kind() == UpstreamFailure.Kind.INVALID
                ? ApiError.upstream(502, "upstream_invalid_response", "Provider " + record.provider() + " returned a response that could not be read.")
                : ApiError.upstream(502, "upstream_broken",
                        "The connection to provider " + record.provider() + " broke before the response was complete."));
    }

    /** Ends a started stream with an error event after the events still queued. */
    @Override
    protected void streamBroke(String message) {
        streamError("stream_interrupted", message);
        flush();
        response.end();
        complete();
    }

    void fail(ApiError error) {
        record.ended(error.status());
        record.failed(error.reason());
        error.send(ctx);
        complete();
    }

    private void relayEvent(FrameDecoder.Event event) {
        if (finished) {
            return;
        }
        Buffer data = event.data();
        if (data == null || data.equals(DONE)) {
            doneSeen = doneSeen || data != null;
            write(event.fields(), data);
            return;
        }
        JsonFields json;
        try {
            json = JsonFields.scan(data);
        } catch (JsonFields.Invalid e) {
            write(event.fields(), data);
            return;
        }
        if (json.error) {
            record.failed("upstream_stream_error");
            write(event.fields(), data);
            return;
        }
        json.replaceModel(publicModel);
        record.usage().generated(json.contentChars);
        generationOver |= json.finished;
        if (record.usage().finishReason() == null) {
            record.usage().finishedWith(json.finishReason);
        }
        if (json.usageSpan != null) {
            UpstreamAnswers.readUsage(json, record);
            if (!clientWantsUsage) {
                if (json.choices <= 0) {
                    return;
                }
                json.hideUsage();
            }
        }
        write(event.fields(), json.toBuffer());
    }

    /** Queues an event; the events of one upstream chunk leave in one write (one syscall, not one each). */
    private void write(String otherFields, Buffer data) {
        record.markFirstByte();
        if (outgoing == null) {
            outgoing = Buffer.buffer(256);
        }
        if (!otherFields.isEmpty()) {
            outgoing.appendString(otherFields);
        }
        if (data != null) {
            int start = 0;
            for (int i = 0; i <= data.length(); i++) {
                if (i == data.length() || data.getByte(i) == '\n') {
                    outgoing.appendBytes(DATA_PREFIX).appendBuffer(data, start, i - start).appendByte((byte) '\n');
                    start = i + 1;
                }
            }
        }
        outgoing.appendByte((byte) '\n');
    }

    private void flush() {
        if (outgoing != null && !finished && !clientGone) {
            response.write(outgoing);
        }
        outgoing = null;
    }

    private void streamError(String code, String message) {
        record.failed(code);
        write("", ApiError.upstream(502, code, message).toJson().toBuffer());
    }

    @Override
    protected void relayJson() {
        JsonFields json = UpstreamAnswers.scan(buffered.buffer(), publicModel, record);
        if (json == null) {
            fail(ApiError.upstream(502, "upstream_invalid_response", "The upstream returned a response that is not a JSON object."));
            return;
        }
        record.answered();
        record.usage().generatedInAll(json.contentChars);
        record.usage().finishedWith(json.finishReason);
        record.ended(upstreamStatus);
        record.markFirstByte();
        Buffer answer = json.toBuffer();
        record.trace().completion(answer);
        response.setStatusCode(upstreamStatus).putHeader("content-type", "application/json").end(answer);
        complete();
    }

    /** Forwards the provider's own OpenAI-style error when it sent one, so clients see its message and code. */
    @Override
    protected void relayError() {
        UpstreamErrors.relay(response, record, upstreamStatus, retryAfter, buffered.buffer());
        complete();
    }

    /** Nothing more is generated once a chunk carried a finish reason: only a stream's usage is still to come. */
    @Override
    protected boolean awaitingUsageOnly() {
        return streaming() && generationOver && !record.usage().isReported();
    }
}
