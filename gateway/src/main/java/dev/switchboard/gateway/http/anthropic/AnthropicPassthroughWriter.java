package dev.switchboard.gateway.http.anthropic;

import dev.switchboard.gateway.telemetry.GatewayMetrics;
import dev.switchboard.gateway.telemetry.RequestRecord;
import dev.switchboard.gateway.telemetry.Telemetry;
import dev.switchboard.gateway.upstream.ChunkedBody;
import dev.switchboard.gateway.upstream.anthropic.AnthropicUsage;
import dev.switchboard.gateway.upstream.anthropic.SseDecoder;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Relays an Anthropic provider's own answer to a /v1/messages client untranslated: event by event for streams,
 * with `model` set to the public name (in the JSON message and in `message_start`) and usage read for the books.
 * Only `message_start` is re-serialized; every other event's data leaves as it came.
 */
public final class AnthropicPassthroughWriter extends MessagesRelay {

    private final boolean stream;
    private int upstreamStatus;
    private String retryAfter;
    private SseDecoder decoder;
    private ChunkedBody buffered;
    private Buffer out;
    private AnthropicUsage usage = AnthropicUsage.NONE;
    private boolean stopped;

    public AnthropicPassthroughWriter(RoutingContext ctx, RequestRecord record, Telemetry telemetry, GatewayMetrics metrics,
            String publicModel, boolean stream) {
        super(ctx, record, telemetry, metrics, publicModel);
        this.stream = stream;
    }

    @Override
    protected boolean streaming() {
        return decoder != null;
    }

    @Override
    public void onHead(int status, MultiMap headers) {
        if (finished) {
            return;
        }
        upstreamStatus = status;
        retryAfter = headers.get("retry-after");
        String contentType = headers.get("content-type");
        if (stream && status / 100 == 2 && contentType != null && contentType.startsWith("text/event-stream")) {
            startStream();
            decoder = new SseDecoder(this::relayEvent);
        } else {
            buffered = new ChunkedBody();
        }
    }

    @Override
    public void onChunk(Buffer chunk) {
        if (finished) {
            return;
        }
        if (decoder == null) {
            buffered.append(chunk);
            return;
        }
        out = Buffer.buffer();
        decoder.feed(chunk);
        write(out);
    }

    @Override
    public void onEnd() {
        if (finished) {
            return;
        }
        if (decoder != null) {
            out = Buffer.buffer();
            decoder.finish();
            write(out);
            readUsage();
            if (!stopped && record.errorCode == null) {
                streamBroke("The upstream ended the stream before it was complete.");
            } else {
                end();
            }
        } else if (upstreamStatus / 100 == 2) {
            relayJson();
        } else {
            relayError();
        }
    }

    private void relayEvent(String name, String data) {
        String type = name != null ? name : "";
        switch (type) {
            case "message_start" -> {
                try {
                    JsonObject event = new JsonObject(data);
                    JsonObject message = event.getJsonObject("message");
                    if (message != null) {
                        message.put("model", publicModel);
                        usage = AnthropicUsage.fromAnthropic(message.getJsonObject("usage"), usage);
                    }
                    data = event.encode();
                } catch (DecodeException | ClassCastException e) {
                    // Relayed as it came.
                }
            }
            case "message_delta" -> {
                try {
                    usage = AnthropicUsage.fromAnthropic(new JsonObject(data).getJsonObject("usage"), usage);
                } catch (DecodeException | ClassCastException e) {
                    // Usage unknown; the event is relayed anyway.
                }
            }
            case "message_stop" -> stopped = true;
            case "error" -> {
                record.errorCode = "upstream_stream_error";
                metrics.upstreamError(record.provider, "stream_error");
            }
            default -> {
            }
        }
        if (name != null) {
            out.appendString("event: ").appendString(name).appendString("\n");
        }
        out.appendString("data: ").appendString(data).appendString("\n\n");
    }

    private void relayJson() {
        JsonObject message;
        try {
            message = new JsonObject(buffered.buffer());
        } catch (DecodeException | ClassCastException e) {
            metrics.upstreamError(record.provider, "invalid_response");
            record.errorCode = "upstream_invalid_response";
            fail(new AnthropicError(502, "api_error", "Provider " + record.provider + " returned a response that is not a JSON object."));
            return;
        }
        message.put("model", publicModel);
        usage = AnthropicUsage.fromAnthropic(message.getJsonObject("usage"), usage);
        readUsage();
        sendJson(upstreamStatus, message.toBuffer());
    }

    private void relayError() {
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
                record.errorCode = type;
                sendJson(upstreamStatus, body.toBuffer());
                return;
            }
        } catch (DecodeException | ClassCastException e) {
            // Wrapped below.
        }
        fail(new AnthropicError(upstreamStatus, AnthropicError.typeOf(upstreamStatus),
                "The upstream answered with HTTP status " + upstreamStatus + "."));
    }

    private void readUsage() {
        record.promptTokens = usage.promptTokens();
        record.completionTokens = usage.outputTokens();
    }
}
