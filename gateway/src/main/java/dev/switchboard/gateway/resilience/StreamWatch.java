package dev.switchboard.gateway.resilience;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import dev.switchboard.gateway.dialect.FrameDecoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Reads along a streamed answer for what the pipeline decides on: whether real content has begun (until then the
 * stream may still fail over), whether it ended with its terminator, and whether the provider reported an error in
 * it. The stream is in the format of the attempt's operation: OpenAI chunks (every adapter's chat and completions,
 * ended by {@code data: [DONE]}, errors as {@code data: {"error": ...}}) or Anthropic's Messages events (ended by
 * {@code message_stop}, errors as an {@code error} event).
 * <p>
 * Content is what a client would show: for OpenAI a chunk whose choice carries more than the role (text, tool calls,
 * a finish reason); for Anthropic a content block, its deltas, or the message delta; for Responses any event about
 * the output (an item added, a part, a delta). Comments, keep-alives, the role-only first chunk, {@code message_start},
 * {@code ping}, {@code response.created} and {@code response.in_progress} are not. Events are parsed as JSON only until content
 * began, or when they may be an error; after that a line is only scanned, in place, for the terminator.
 */
final class StreamWatch implements FrameDecoder.EventSink {

    private static final byte[] ERROR_KEY = "\"error\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    /** The stream's format: the attempt's operation. */
    private enum Format { OPENAI, ANTHROPIC, RESPONSES }

    private final Format format;
    private final FrameDecoder events = FrameDecoder.sse(this);
    private boolean seenData;
    private boolean content;
    private boolean terminated;
    private String errorType;

    private StreamWatch(Format format) {
        this.format = format;
    }

    /** A watch for OpenAI chunks. */
    static StreamWatch openAi() {
        return new StreamWatch(Format.OPENAI);
    }

    /** A watch for Anthropic's Messages events. */
    static StreamWatch anthropic() {
        return new StreamWatch(Format.ANTHROPIC);
    }

    /** A watch for the Responses API's events. */
    static StreamWatch responses() {
        return new StreamWatch(Format.RESPONSES);
    }

    void feed(Buffer chunk) {
        events.feed(chunk);
    }

    /** Real content arrived: from here on the stream belongs to the client. */
    boolean content() {
        return content;
    }

    /** The stream's terminator arrived: it is complete (possibly without content). */
    boolean terminated() {
        return terminated;
    }

    /** The provider reported an error in the stream. */
    boolean errored() {
        return errorType != null;
    }

    /**
     * How a stream that ended went: a success only when it reached its terminator without an error event; an error
     * event is the provider's failure (or its rate limit), a stream cut short a broken one.
     */
    Outcome outcome() {
        return errored() ? errorOutcome() : terminated ? Outcome.SUCCESS : Outcome.BROKEN;
    }

    /** How the attempt ended when the stream carried an error event: a rate limit, or the provider's failure. */
    Outcome errorOutcome() {
        return errorType.toLowerCase(Locale.ROOT).contains("rate_limit") ? Outcome.RATE_LIMITED : Outcome.SERVER_ERROR;
    }

    /** Keeps a data line for the event's dispatch only when it may change what is known: no copy per line once content flows. */
    @Override
    public boolean keep(String name, Buffer bytes, int from, int end) {
        seenData = true;
        if (format == Format.OPENAI && end - from == DONE.length && contains(bytes, from, end, DONE)) {
            terminated = true;
            return false;
        }
        return !content || switch (format) {
            case OPENAI -> contains(bytes, from, end, ERROR_KEY);
            case ANTHROPIC -> name == null || name.equals("error");
            case RESPONSES -> name == null || name.equals("error") || name.equals("response.failed");
        };
    }

    /** Comments (": keep-alive"), ids and retry fields say nothing about the answer; the decoder drops or ignores them. */
    @Override
    public void event(FrameDecoder.Event event) {
        Buffer data = event.data();
        if (format != Format.OPENAI && seenData) {
            String type = event.name() != null ? event.name() : data != null ? typeOf(data) : "";
            if (format == Format.ANTHROPIC) {
                anthropicEvent(type, data);
            } else {
                responsesEvent(type, data);
            }
        } else if (data != null) {
            openAiEvent(data);
        }
        seenData = false;
    }

    private void anthropicEvent(String type, Buffer event) {
        switch (type) {
            case "content_block_start", "content_block_delta", "message_delta" -> content = true;
            case "message_stop" -> terminated = true;
            case "error" -> {
                JsonObject json = event == null ? null : object(event);
                JsonObject error = json != null && json.getValue("error") instanceof JsonObject e ? e : null;
                errorType = error != null && error.getValue("type") instanceof String t ? t : "error";
            }
            default -> {
            }
        }
    }

    private void responsesEvent(String type, Buffer event) {
        switch (type) {
            case "response.created", "response.in_progress", "response.queued" -> {
            }
            case "response.completed", "response.incomplete" -> {
                content = true;
                terminated = true;
            }
            case "response.failed", "error" -> {
                terminated = true;
                JsonObject json = event == null ? null : object(event);
                if (json != null && json.getValue("response") instanceof JsonObject response) {
                    json = response;
                }
                JsonObject error = json != null && json.getValue("error") instanceof JsonObject e ? e : json;
                Object code = error == null ? null : error.getValue("code") != null ? error.getValue("code") : error.getValue("type");
                errorType = code != null ? code.toString() : "error";
            }
            default -> content = true;
        }
    }

    private void openAiEvent(Buffer event) {
        JsonObject json = object(event);
        if (json == null) {
            return;
        }
        if (json.containsKey("error")) {
            JsonObject error = json.getValue("error") instanceof JsonObject e ? e : new JsonObject();
            Object code = error.getValue("code") != null ? error.getValue("code") : error.getValue("type");
            errorType = code != null ? code.toString() : "error";
        } else if (!content && json.getValue("choices") instanceof JsonArray choices) {
            content = carriesContent(choices);
        }
    }

    /** A choice with a finish reason, completion text, or any delta field beyond the role. */
    private static boolean carriesContent(JsonArray choices) {
        for (Object item : choices) {
            if (!(item instanceof JsonObject choice)) {
                continue;
            }
            if (choice.getValue("finish_reason") != null || choice.getValue("text") instanceof String text && !text.isEmpty()) {
                return true;
            }
            if (choice.getValue("delta") instanceof JsonObject delta) {
                for (var field : delta) {
                    Object value = field.getValue();
                    if (!field.getKey().equals("role") && value != null && !"".equals(value)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static String typeOf(Buffer event) {
        JsonObject json = object(event);
        return json != null && json.getValue("type") instanceof String type ? type : "";
    }

    private static JsonObject object(Buffer event) {
        try {
            return new JsonObject(event);
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
    }

    private static boolean contains(Buffer bytes, int from, int end, byte[] needle) {
        outer:
        for (int i = from; i + needle.length <= end; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes.getByte(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
