package dev.switchboard.gateway.dialect;

import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import io.vertx.core.buffer.Buffer;

/**
 * The one decoder of streamed answers: splits a byte stream into frames however the bytes are chunked, either
 * server-sent events (OpenAI, Anthropic, Gemini) or newline-delimited JSON (Ollama). Lines are split on bytes and
 * only complete lines are decoded, so a multi-byte character split across chunks is never broken; a trailing CR is
 * dropped. Comments (`: keep-alive`) are dropped; data stays bytes until a reader asks for text.
 */
public final class FrameDecoder {

    /** One server-sent event: its name (null without an `event:` line), its non-data field lines verbatim, its data. */
    public record Event(String name, String fields, Buffer data) {

        /** The data as text, or null when the event had none. */
        public String text() {
            return data == null ? null : data.toString(StandardCharsets.UTF_8);
        }
    }

    /** Receives each complete event of a server-sent-event stream. */
    public interface EventSink {

        /**
         * Whether the data line (bytes {@code from} to {@code end} of {@code line}) is kept for its event; a reader that
         * needs only some events skips the copy of the others. The event is dispatched either way.
         */
        default boolean keep(String name, Buffer line, int from, int end) {
            return true;
        }

        void event(Event event);
    }

    private interface Lines {
        void line(Buffer bytes, int start, int end);

        void end();
    }

    private final Lines lines;
    private Buffer pending = Buffer.buffer();

    private FrameDecoder(Lines lines) {
        this.lines = lines;
    }

    /** A decoder of server-sent events, each with its name, other fields and data. */
    public static FrameDecoder sse(EventSink sink) {
        return new FrameDecoder(new SseLines(sink));
    }

    /** A decoder of server-sent events that hands on the name and text of each event carrying data. */
    public static FrameDecoder sseData(BiConsumer<String, String> sink) {
        return sse(event -> {
            if (event.data() != null) {
                sink.accept(event.name(), event.text());
            }
        });
    }

    /** A decoder of newline-delimited JSON that hands on each line that is not blank. */
    public static FrameDecoder ndjson(Consumer<Buffer> sink) {
        return new FrameDecoder(new Lines() {
            @Override
            public void line(Buffer bytes, int start, int end) {
                Buffer line = bytes.slice(start, end);
                if (!line.toString(StandardCharsets.UTF_8).isBlank()) {
                    sink.accept(line);
                }
            }

            @Override
            public void end() {
                // Lines stand alone: nothing is held across them.
            }
        });
    }

    public void feed(Buffer chunk) {
        Buffer bytes = pending.length() == 0 ? chunk : pending.appendBuffer(chunk);
        int start = 0;
        for (int i = 0; i < bytes.length(); i++) {
            if (bytes.getByte(i) == '\n') {
                lines.line(bytes, start, i > start && bytes.getByte(i - 1) == '\r' ? i - 1 : i);
                start = i + 1;
            }
        }
        pending = start >= bytes.length() ? Buffer.buffer() : bytes.getBuffer(start, bytes.length());
    }

    /** The stream ended: delivers a last frame the upstream did not terminate. */
    public void finish() {
        if (pending.length() > 0) {
            Buffer rest = pending;
            pending = Buffer.buffer();
            int end = rest.getByte(rest.length() - 1) == '\r' ? rest.length() - 1 : rest.length();
            lines.line(rest, 0, end);
        }
        lines.end();
    }

    /** Whether bytes {@code start} to {@code end} begin with the ASCII prefix. */
    public static boolean startsWith(Buffer bytes, int start, int end, String prefix) {
        if (end - start < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes.getByte(start + i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Server-sent-event fields gathered line by line into events. */
    private static final class SseLines implements Lines {

        private final EventSink sink;
        private String name;
        private StringBuilder fields;
        private Buffer data;

        SseLines(EventSink sink) {
            this.sink = sink;
        }

        @Override
        public void line(Buffer bytes, int start, int end) {
            if (end == start) {
                end();
            } else if (startsWith(bytes, start, end, "data:")) {
                int value = start + 5 < end && bytes.getByte(start + 5) == ' ' ? start + 6 : start + 5;
                if (sink.keep(name, bytes, value, end)) {
                    data = data == null ? Buffer.buffer(end - value) : data.appendByte((byte) '\n');
                    data.appendBuffer(bytes, value, end - value);
                }
                fields = fields == null ? new StringBuilder() : fields;
            } else if (bytes.getByte(start) != ':') {
                String line = bytes.getString(start, end, StandardCharsets.UTF_8.name());
                if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                }
                fields = fields == null ? new StringBuilder() : fields;
                fields.append(line).append('\n');
            }
        }

        /** A blank line, or the end of the stream: the event so far is complete. */
        @Override
        public void end() {
            if (fields != null) {
                sink.event(new Event(name, fields.toString(), data));
            }
            name = null;
            fields = null;
            data = null;
        }
    }
}
