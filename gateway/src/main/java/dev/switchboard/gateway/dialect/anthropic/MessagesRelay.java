package dev.switchboard.gateway.dialect.anthropic;

import dev.switchboard.gateway.resilience.ClientRelay;
import dev.switchboard.gateway.resilience.ReplyMetering;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.upstream.UpstreamFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * What both /v1/messages writers share (see {@link AnthropicReply}) on top of {@link ClientRelay}: errors before the
 * answer in Anthropic's envelope, with the statuses Anthropic uses, a provider refusing the gateway's key turned into
 * the gateway's 502, and the generated characters of a message for a stream cut short or an answer without usage.
 */
public abstract class MessagesRelay extends ClientRelay {

    protected MessagesRelay(RoutingContext ctx, RequestRecord record, ReplyMetering metering, String publicModel) {
        super(ctx, record, metering, publicModel);
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
        answerError(error.status(), error.type(), () -> error.send(ctx));
    }

    @Override
    protected void failedBeforeAnswer(UpstreamFailure failure) {
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

    /** A provider that refuses the gateway's key must not look like the client's key was wrong. */
    protected void failUpstreamAuth(int status) {
        record.failed("upstream_auth_failed");
        fail(new AnthropicError(502, "api_error",
                "Provider " + record.provider() + " rejected the gateway's credentials (HTTP " + status + ")."));
    }
}
