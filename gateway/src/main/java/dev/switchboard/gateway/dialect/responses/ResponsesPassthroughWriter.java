package dev.switchboard.gateway.dialect.responses;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.dialect.FrameDecoder;
import dev.switchboard.gateway.dialect.openai.UpstreamAnswers;
import dev.switchboard.gateway.json.JsonFields;
import dev.switchboard.gateway.json.JsonLimits;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.resilience.ReplyMetering;
import dev.switchboard.gateway.resilience.StreamEvents;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Relays an OpenAI or Azure OpenAI provider's own Responses API answer to a /v1/responses client untranslated: the
 * JSON response with `model` set to the public name and its usage read; a stream event by event, where only the
 * lifecycle events that carry the whole response (`response.created`, `response.in_progress`, `response.completed`,
 * `response.incomplete`, `response.failed`, `response.queued`) are re-serialized, for their `model` and, at the end,
 * their usage. Every other event leaves as it came; its deltas are counted for a stream cut short.
 * <p>
 * The usage arrives in response.completed, the event that also ends the output, so nothing is ever left to come but
 * the usage: a client that leaves stops the upstream at once, and an unfinished stream is charged an estimate.
 */
final class ResponsesPassthroughWriter extends ResponsesRelay implements StreamEvents {

    /** The upstream's stream reached a terminal event (completed, incomplete, failed or error). */
    private boolean terminated;

    ResponsesPassthroughWriter(RoutingContext ctx, RequestRecord record, ReplyMetering metering, String publicModel) {
        super(ctx, record, metering, publicModel);
        relayEvents(this);
    }

    @Override
    public boolean streamComplete() {
        return terminated;
    }

    /** OpenAI's own error event: the stream cannot go on, and the client's SDK reads it as one. */
    @Override
    public void cutShort(Buffer out, String message) {
        JsonObject error = new JsonObject().put("type", "error").put("code", "stream_interrupted").put("message", message).putNull("param");
        out.appendString("event: error\ndata: ").appendBuffer(error.toBuffer()).appendString("\n\n");
    }

    @Override
    public void event(FrameDecoder.Event event, Buffer out) {
        Buffer data = event.data();
        if (data == null) {
            out.appendString(event.fields()).appendString("\n");
            return;
        }
        String type = event.name() != null ? event.name() : String.valueOf(topLevel(data, "type"));
        switch (type) {
            case "response.created", "response.in_progress", "response.queued" -> data = lifecycle(data, false);
            case "response.completed", "response.incomplete", "response.failed" -> {
                terminated = true;
                data = lifecycle(data, true);
            }
            case "error" -> {
                terminated = true;
                record.failed("upstream_stream_error");
            }
            default -> {
                String delta = topLevel(data, "delta");
                record.usage().generated(delta == null ? 0 : delta.length());
            }
        }
        out.appendString(event.fields()).appendString("data: ").appendBuffer(data).appendString("\n\n");
    }

    /** A lifecycle event with the public model in its response, and the final usage read from the last one. */
    private Buffer lifecycle(Buffer data, boolean last) {
        try {
            JsonObject event = new JsonObject(data);
            if (event.getValue("response") instanceof JsonObject response) {
                response.put("model", publicModel);
                if (last) {
                    record.usage().finishedWith(response.getValue("status") instanceof String status ? status : null);
                    if (response.getValue("usage") instanceof JsonObject usage) {
                        JsonObject details = usage.getValue("input_tokens_details") instanceof JsonObject d ? d : new JsonObject();
                        record.usage().reported(usage.getInteger("input_tokens"), details.getInteger("cached_tokens"), usage.getInteger("output_tokens"));
                    }
                }
            }
            return event.toBuffer();
        } catch (DecodeException | ClassCastException e) {
            return data;
        }
    }

    /**
     * A top-level string of an event (its `type` when the stream names no events, a delta's text or arguments for
     * the count), read without building a tree; null when it has none.
     */
    private static String topLevel(Buffer data, String name) {
        try (JsonParser parser = JsonLimits.parser(JsonLimits.FACTORY, data)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals(name) && value == JsonToken.VALUE_STRING) {
                    return parser.getText();
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            // Relayed as it came; nothing read.
        }
        return null;
    }

    @Override
    protected void relayJson() {
        JsonFields json = UpstreamAnswers.scan(buffered.buffer(), publicModel, record);
        if (json == null) {
            fail(ApiError.upstream(502, "upstream_invalid_response", "Provider " + record.provider() + " returned a response that is not a JSON object."));
            return;
        }
        answer(upstreamStatus, json.toBuffer());
    }
}
