package dev.switchboard.gateway.dialect.responses;

import dev.switchboard.gateway.access.Settlement;
import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.dialect.openai.UpstreamErrors;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.resilience.ClientRelay;
import dev.switchboard.gateway.upstream.UpstreamFailure;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * What both /v1/responses writers share (see {@link ResponsesReply}): errors before the answer in OpenAI's envelope
 * (an upstream's own OpenAI envelope passed on, a provider refusing the gateway's key turned into the gateway's 502),
 * a stream ended by the writer's own error events once it started, writes paused while the client reads slower
 * than the upstream writes, and the books closed once (see {@link ClientRelay}).
 */
abstract class ResponsesRelay extends ClientRelay {

    protected final RoutingContext ctx;
    /** The model name the client sent; answers carry it, never the upstream's name. */
    protected final String publicModel;

    protected ResponsesRelay(RoutingContext ctx, RequestRecord record, Settlement settlement, String publicModel) {
        super(ctx.vertx(), ctx.response(), record, settlement);
        this.ctx = ctx;
        this.publicModel = publicModel;
    }

    @Override
    protected boolean wantsStream() {
        return record.stream();
    }

    /** Answers with this error, unless the answer already started. */
    void fail(ApiError error) {
        if (finished) {
            return;
        }
        record.ended(error.status());
        record.failedUnlessExplained(error.reason());
        error.send(ctx);
        complete();
    }

    @Override
    protected void failed(UpstreamFailure failure) {
        if (clientGone) {
            complete();
        } else if (streaming()) {
            record.failed("stream_interrupted");
            streamBroke(failure.kind() == UpstreamFailure.Kind.INVALID ? "The stream from provider " + record.provider() + " could not be read."
                    : "The stream from provider " + record.provider() + " broke before it was complete.");
        } else if (failure.kind() == UpstreamFailure.Kind.TIMEOUT) {
            fail(ApiError.upstream(504, "upstream_timeout", "Provider " + record.provider() + ": " + failure.message() + "."));
        } else {
            fail(failure.kind() == UpstreamFailure.Kind.INVALID
                    ? ApiError.upstream(502, "upstream_invalid_response", "Provider " + record.provider() + " returned a response that could not be read.")
                    : ApiError.upstream(502, "upstream_broken", "The connection to provider " + record.provider() + " broke before the response was complete."));
        }
    }

    /** Ends a started stream with the writer's error events. */
    protected abstract void streamBroke(String message);

    /** A whole JSON answer. */
    protected void answer(int status, Buffer body) {
        record.ended(status);
        record.answered();
        record.markFirstByte();
        record.trace().completion(body);
        response.setStatusCode(status).putHeader("content-type", "application/json").end(body);
        complete();
    }

    /** An upstream error answer: its OpenAI envelope and status passed on (see {@link UpstreamErrors}). */
    @Override
    protected void relayError() {
        UpstreamErrors.relay(response, record, upstreamStatus, retryAfter, buffered.buffer());
        complete();
    }
}
