package dev.switchboard.gateway.dialect.anthropic;

import dev.switchboard.gateway.access.Settlement;
import dev.switchboard.gateway.resilience.ClientReply;
import dev.switchboard.gateway.resilience.ExchangeError;
import dev.switchboard.gateway.resilience.Served;
import dev.switchboard.gateway.telemetry.GatewayMetrics;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.gateway.upstream.TranslationGuard;
import dev.switchboard.gateway.upstream.UpstreamCall;
import dev.switchboard.gateway.upstream.UpstreamListener;
import io.vertx.ext.web.RoutingContext;

/**
 * The Anthropic Messages {@link ClientReply} of /v1/messages. The response the pipeline chose is written by the
 * writer for its format: an Anthropic provider's own answer (the attempt called {@link Operation#MESSAGES}) is
 * relayed by {@link AnthropicPassthroughWriter} (a token count by {@link CountTokensWriter}), any other provider's OpenAI-format answer is translated by
 * {@link AnthropicResponseWriter}. Gateway errors take Anthropic's envelope and statuses.
 */
public final class AnthropicReply implements ClientReply {

    private final RoutingContext ctx;
    private final RequestRecord record;
    private final Settlement settlement;
    private final GatewayMetrics metrics;
    private final String publicModel;
    private final long usageDrainMs;
    private MessagesRelay writer;
    /** The pipeline's way to stop the exchange (cancel the attempt, stop retrying), as registered in {@link #onClientGone}. */
    private Runnable stopExchange = () -> {
    };
    private boolean ended;

    /** {@code usageDrainMs}: how long a stream is read on for its usage when the client left after the last content. */
    public AnthropicReply(RoutingContext ctx, RequestRecord record, Settlement settlement, GatewayMetrics metrics, String publicModel,
            long usageDrainMs) {
        this.ctx = ctx;
        this.record = record;
        this.settlement = settlement;
        this.metrics = metrics;
        this.publicModel = publicModel;
        this.usageDrainMs = usageDrainMs;
    }

    @Override
    public UpstreamListener deliver(Served served, UpstreamCall call) {
        served.headers(ctx.response()::putHeader);
        writer = switch (served.operation()) {
            case MESSAGES -> new AnthropicPassthroughWriter(ctx, record, settlement, metrics, publicModel, record.stream());
            case COUNT_TOKENS -> new CountTokensWriter(ctx, record, settlement, metrics, publicModel);
            default -> new AnthropicResponseWriter(ctx, record, settlement, metrics, publicModel, record.stream());
        };
        writer.bind(call, stopExchange);
        return new TranslationGuard(writer, writer).stopping(stopExchange);
    }

    @Override
    public void fail(ExchangeError error) {
        if (ended) {
            return;
        }
        ended = true;
        if (error.served() != null) {
            error.served().headers(ctx.response()::putHeader);
        }
        if (error.retryAfter() != null) {
            ctx.response().putHeader("retry-after", Long.toString(error.retryAfter()));
        }
        AnthropicError anthropic = AnthropicError.fromUpstream(error.status(), error.message());
        record.ended(anthropic.status());
        record.failed(error.code() != null ? error.code() : error.type());
        anthropic.send(ctx);
        settlement.close(record);
    }

    @Override
    public void onClientGone(Runnable action) {
        stopExchange = action;
        ctx.response().closeHandler(v -> {
            if (writer != null) {
                writer.clientGone(action, usageDrainMs);
            } else if (!ended) {
                // Still choosing a target: the pipeline stops the attempt in flight and retries no more.
                action.run();
                ended = true;
                record.ended(RequestRecord.CLIENT_CLOSED);
                settlement.close(record);
            }
        });
    }
}
