package dev.switchboard.gateway.dialect.anthropic;

import dev.switchboard.gateway.access.Settlement;
import dev.switchboard.gateway.dialect.FrameDecoder;
import dev.switchboard.gateway.resilience.ClientRelay;
import dev.switchboard.gateway.telemetry.GatewayMetrics;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.upstream.UpstreamFailure;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * What both /v1/messages writers share (see {@link AnthropicReply}): a successful stream the client asked for is
 * decoded event by event ({@link #event}), anything else is held whole until it ends (see {@link ClientRelay});
 * backpressure pauses the upstream call, errors take Anthropic's envelope (or its `error` event once a stream has started), and the request's books
 * are closed exactly once. A client that leaves stops the upstream at once, unless all that is left to come is the
 * usage (see {@link #awaitingUsageOnly}): then the stream is read on, without writing, for up to the drain time.
 */
public abstract class MessagesRelay extends ClientRelay {

    protected final RoutingContext ctx;
    protected final GatewayMetrics metrics;
    /** The model name the client sent; responses carry it, never the upstream's name. */
    protected final String publicModel;
    /** The client asked for a stream. */
    protected final boolean stream;
    /** The upstream's event stream, once it started. */
    protected FrameDecoder decoder;

    protected MessagesRelay(RoutingContext ctx, RequestRecord record, Settlement settlement, GatewayMetrics metrics, String publicModel,
            boolean stream) {
        super(ctx.vertx(), ctx.response(), record, settlement);
        this.ctx = ctx;
        this.stream = stream;
        this.metrics = metrics;
        this.publicModel = publicModel;
    }

    /** True when the upstream has generated everything and only its usage is still to come. */
    protected boolean awaitingUsageOnly() {
        return false;
    }

    /** Characters of generated content in an Anthropic message's content blocks: text, thinking, tool names and inputs. */
    protected static long contentChars(JsonArray content) {
        long chars = 0;
        for (int i = 0; content != null && i < content.size(); i++) {
            if (content.getValue(i) instanceof JsonObject block) {
                chars += length(block.getValue("text")) + length(block.getValue("thinking")) + length(block.getValue("name"));
                if (block.getValue("input") instanceof JsonObject input) {
                    chars += input.encode().length();
                }
            }
        }
        return chars;
    }

    protected static int length(Object value) {
        return value instanceof String text ? text.length() : 0;
    }

    /** Ends the exchange with an error before anything was sent. */
    public void fail(AnthropicError error) {
        if (finished) {
            return;
        }
        record.ended(error.status());
        record.failedUnlessExplained(error.type());
        error.send(ctx);
        complete();
    }

    @Override
    protected void failed(UpstreamFailure failure) {
        if (clientGone) {
            complete();
            return;
        }
        if (streaming()) {
            streamBroke(failure.kind() == UpstreamFailure.Kind.INVALID ? "The stream from provider " + record.provider() + " could not be read."
                    : "The stream from provider " + record.provider() + " broke before it was complete.");
            return;
        }
        record.failed(switch (failure.kind()) {
            case TIMEOUT -> "upstream_timeout";
            case CONNECT -> "upstream_connect";
            case BROKEN -> "upstream_broken";
            case INVALID -> "upstream_invalid_response";
            case TOO_LARGE -> "upstream_response_too_large";
        });
        fail(switch (failure.kind()) {
            case TIMEOUT -> new AnthropicError(504, "api_error", "Provider " + record.provider() + ": " + failure.message() + ".");
            case CONNECT -> new AnthropicError(502, "api_error", "Provider " + record.provider() + " could not be reached.");
            case BROKEN -> new AnthropicError(502, "api_error",
                    "The connection to provider " + record.provider() + " broke before the response was complete.");
            case INVALID -> new AnthropicError(502, "api_error", "Provider " + record.provider() + " returned a response that could not be read.");
            case TOO_LARGE -> new AnthropicError(502, "api_error", "Provider " + record.provider() + ": " + failure.message() + ".");
        });
    }

    @Override
    protected boolean wantsStream() {
        return stream;
    }

    @Override
    protected void streamStarted() {
        decoder = FrameDecoder.sseData(this::event);
    }

    /** One event of the upstream's stream. */
    protected abstract void event(String name, String data);

    /** Ends a started stream with an `error` event. */
    protected void streamBroke(String message) {
        record.failed("stream_interrupted");
        Buffer out = Buffer.buffer();
        ChunksToEvents.event(out, "error", new AnthropicError(500, "api_error", message).toJson());
        write(out);
        endStream();
    }

    protected void sendJson(int status, Buffer body) {
        record.ended(status);
        record.markFirstByte();
        response.setStatusCode(status).putHeader("content-type", "application/json").end(body);
        complete();
    }

    /** A provider that refuses the gateway's key must not look like the client's key was wrong. */
    protected void failUpstreamAuth(int status) {
        record.failed("upstream_auth_failed");
        fail(new AnthropicError(502, "api_error",
                "Provider " + record.provider() + " rejected the gateway's credentials (HTTP " + status + ")."));
    }
}
