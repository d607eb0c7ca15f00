package dev.switchboard.gateway.dialect.responses;

import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.dialect.openai.UpstreamErrors;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.resilience.ClientRelay;
import dev.switchboard.gateway.resilience.ReplyMetering;
import dev.switchboard.gateway.upstream.UpstreamFailure;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * What both /v1/responses writers share (see {@link ResponsesReply}) on top of {@link ClientRelay}: errors before the
 * answer in OpenAI's envelope (an upstream's own OpenAI envelope passed on, a provider refusing the gateway's key
 * turned into the gateway's 502), and a whole answer traced as the completion.
 */
abstract class ResponsesRelay extends ClientRelay {

    protected ResponsesRelay(RoutingContext ctx, RequestRecord record, ReplyMetering metering, String publicModel) {
        super(ctx, record, metering, publicModel);
    }

    /** Answers with this error, unless the answer already started. */
    void fail(ApiError error) {
        answerError(error.status(), error.reason(), () -> error.send(ctx));
    }

    @Override
    protected void failedBeforeAnswer(UpstreamFailure failure) {
        if (failure.kind() == UpstreamFailure.Kind.TIMEOUT) {
            fail(ApiError.upstream(504, "upstream_timeout", "Provider " + record.provider() + ": " + failure.message() + "."));
        } else {
            fail(failure.kind() == UpstreamFailure.Kind.INVALID
                    ? ApiError.upstream(502, "upstream_invalid_response", "Provider " + record.provider() + " returned a response that could not be read.")
                    : ApiError.upstream(502, "upstream_broken", "The connection to provider " + record.provider() + " broke before the response was complete."));
        }
    }

    /** A whole JSON answer. */
    protected void answer(int status, Buffer body) {
        record.answered();
        record.trace().completion(body);
        answerJson(status, body);
    }

    /** An upstream error answer: its OpenAI envelope and status passed on (see {@link UpstreamErrors}). */
    @Override
    protected void relayError() {
        UpstreamErrors.relay(response, record, upstreamStatus, retryAfter, buffered.buffer());
        complete();
    }
}
