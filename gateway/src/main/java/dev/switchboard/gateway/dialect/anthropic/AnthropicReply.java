package dev.switchboard.gateway.dialect.anthropic;

import dev.switchboard.gateway.resilience.ClientRelay;
import dev.switchboard.gateway.resilience.ExchangeError;
import dev.switchboard.gateway.resilience.ReplyMetering;
import dev.switchboard.gateway.resilience.Served;
import dev.switchboard.gateway.resilience.WriterReply;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.upstream.Operation;
import io.vertx.ext.web.RoutingContext;

/**
 * The Anthropic Messages reply of /v1/messages (a {@link WriterReply}). The response the pipeline chose is written by the
 * writer for its format: an Anthropic provider's own answer (the attempt called {@link Operation#MESSAGES}) is
 * relayed by {@link AnthropicPassthroughWriter} (a token count by {@link CountTokensWriter}), any other provider's OpenAI-format answer is translated by
 * {@link AnthropicResponseWriter}. Gateway errors take Anthropic's envelope and statuses.
 */
public final class AnthropicReply extends WriterReply {

    public AnthropicReply(RoutingContext ctx, RequestRecord record, ReplyMetering metering, String publicModel) {
        super(ctx, record, metering, publicModel);
    }

    @Override
    protected ClientRelay writerFor(Served served) {
        return switch (served.operation()) {
            case MESSAGES -> new AnthropicPassthroughWriter(ctx, record, metering, publicModel);
            case COUNT_TOKENS -> new CountTokensWriter(ctx, record, metering, publicModel);
            default -> new AnthropicResponseWriter(ctx, record, metering, publicModel);
        };
    }

    /** Anthropic's envelope and statuses (an upstream's 503 is Anthropic's 529). */
    @Override
    protected int sendError(ExchangeError error) {
        AnthropicError anthropic = AnthropicError.fromUpstream(error.status(), error.message());
        anthropic.send(ctx);
        return anthropic.status();
    }
}
