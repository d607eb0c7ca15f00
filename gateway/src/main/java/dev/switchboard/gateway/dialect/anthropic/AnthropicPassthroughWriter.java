package dev.switchboard.gateway.dialect.anthropic;

import dev.switchboard.gateway.dialect.FrameDecoder;
import dev.switchboard.gateway.resilience.StreamEvents;
import dev.switchboard.gateway.resilience.ReplyMetering;
import dev.switchboard.gateway.record.RequestRecord;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Relays an Anthropic provider's own answer to a /v1/messages client untranslated: event by event for streams,
 * with `model` set to the public name (in the JSON message and in `message_start`) and usage read for the books.
 * Only `message_start` is re-serialized; every other event's data leaves as it came.
 *
 * Usage goes into the request's record as it arrives: the input tokens with `message_start`, the output tokens with
 * `message_delta` (which also carries the stop reason, so a client has no way to finish a stream without them). A
 * stream cut short in between keeps its real input tokens; its output is estimated from the deltas relayed.
 */
public class AnthropicPassthroughWriter extends MessagesRelay implements StreamEvents {

    private AnthropicUsage usage = AnthropicUsage.NONE;
    private boolean stopped;

    public AnthropicPassthroughWriter(RoutingContext ctx, RequestRecord record, ReplyMetering metering, String publicModel) {
        super(ctx, record, metering, publicModel);
        relayEvents(this);
    }

    /** Complete once `message_stop` came, or the provider's own `error` event. */
    @Override
    public boolean streamComplete() {
        return stopped || record.errorCode() != null;
    }

    @Override
    public void cutShort(Buffer out, String message) {
        ChunksToEvents.event(out, "error", new AnthropicError(500, "api_error", message).toJson());
    }

    @Override
    public void event(FrameDecoder.Event frame, Buffer out) {
        if (frame.data() == null) {
            return;
        }
        String name = frame.name();
        String data = frame.text();
        String type = name != null ? name : "";
        switch (type) {
            case "message_start" -> {
                try {
                    JsonObject event = new JsonObject(data);
                    JsonObject message = event.getJsonObject("message");
                    if (message != null) {
                        message.put("model", publicModel);
                        usage = AnthropicUsage.fromAnthropic(message.getJsonObject("usage"), usage);
                        // Its output count is only a start value; message_delta brings the real one.
                        record.usage().counted(usage.promptTokens(), usage.cacheReadTokens());
                    }
                    data = event.encode();
                } catch (DecodeException | ClassCastException e) {
                    // Relayed as it came.
                }
            }
            case "content_block_start", "content_block_delta" -> record.usage().generated(generatedChars(data));
            case "message_delta" -> {
                try {
                    JsonObject delta = new JsonObject(data);
                    if (delta.getValue("delta") instanceof JsonObject change && change.getValue("stop_reason") instanceof String reason) {
                        record.usage().finishedWith(reason);
                    }
                    JsonObject reported = delta.getJsonObject("usage");
                    if (reported != null) {
                        usage = AnthropicUsage.fromAnthropic(reported, usage);
                        readUsage();
                    }
                } catch (DecodeException | ClassCastException e) {
                    // Usage unknown; the event is relayed anyway.
                }
            }
            case "message_stop" -> stopped = true;
            case "error" -> {
                record.failed("upstream_stream_error");
            }
            default -> {
            }
        }
        if (name != null) {
            out.appendString("event: ").appendString(name).appendString("\n");
        }
        out.appendString("data: ").appendString(data).appendString("\n\n");
    }

    @Override
    protected void relayJson() {
        JsonObject message;
        try {
            message = new JsonObject(buffered.buffer());
        } catch (DecodeException | ClassCastException e) {
            metrics.upstreamError(record.provider(), "invalid_response");
            record.failed("upstream_invalid_response");
            fail(new AnthropicError(502, "api_error", "Provider " + record.provider() + " returned a response that is not a JSON object."));
            return;
        }
        message.put("model", publicModel);
        record.answered();
        if (message.getValue("stop_reason") instanceof String reason) {
            record.usage().finishedWith(reason);
        }
        if (message.getValue("usage") instanceof JsonObject reported) {
            usage = AnthropicUsage.fromAnthropic(reported, usage);
            readUsage();
        } else {
            record.usage().generatedInAll(contentChars(message.getValue("content") instanceof JsonArray content ? content : null));
        }
        answerJson(upstreamStatus, message.toBuffer());
    }

    @Override
    protected void relayError() {
        if (upstreamStatus == 401 || upstreamStatus == 403) {
            failUpstreamAuth(upstreamStatus);
            return;
        }
        if (retryAfter != null) {
            response.putHeader("retry-after", retryAfter);
        }
        try {
            JsonObject body = new JsonObject(buffered.buffer());
            if (body.getValue("error") instanceof JsonObject error && error.getValue("type") instanceof String type) {
                record.failed(type);
                answerJson(upstreamStatus, body.toBuffer());
                return;
            }
        } catch (DecodeException | ClassCastException e) {
            // Wrapped below.
        }
        fail(new AnthropicError(upstreamStatus, AnthropicError.typeOf(upstreamStatus),
                "The upstream answered with HTTP status " + upstreamStatus + "."));
    }

    /** The final usage (a message's, or message_delta's, whose counts are cumulative). */
    private void readUsage() {
        record.usage().reported(usage.promptTokens(), usage.cacheReadTokens(), usage.outputTokens());
    }

    /** The generated characters of a content block's start (a tool's name) or delta (text, thinking, tool input). */
    private static long generatedChars(String data) {
        try {
            JsonObject event = new JsonObject(data);
            if (event.getValue("delta") instanceof JsonObject delta) {
                return length(delta.getValue("text")) + length(delta.getValue("partial_json")) + length(delta.getValue("thinking"));
            }
            return event.getValue("content_block") instanceof JsonObject block ? length(block.getValue("name")) + length(block.getValue("text")) : 0;
        } catch (DecodeException | ClassCastException e) {
            return 0;
        }
    }
}
