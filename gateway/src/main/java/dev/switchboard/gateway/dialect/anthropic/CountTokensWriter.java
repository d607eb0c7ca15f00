package dev.switchboard.gateway.dialect.anthropic;

import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.resilience.ReplyMetering;
import io.vertx.ext.web.RoutingContext;

/**
 * Relays an Anthropic provider's answer to /v1/messages/count_tokens as it came (`{"input_tokens": N}`), errors as the
 * passthrough of messages relays them. A count names no model and costs no tokens, so nothing is read into the books.
 */
final class CountTokensWriter extends AnthropicPassthroughWriter {

    CountTokensWriter(RoutingContext ctx, RequestRecord record, ReplyMetering metering, String publicModel) {
        super(ctx, record, metering, publicModel);
    }

    /** A count is one JSON answer. */
    @Override
    protected boolean wantsStream() {
        return false;
    }

    @Override
    protected void relayJson() {
        answerJson(upstreamStatus, buffered.buffer());
    }
}
