package dev.switchboard.gateway.upstream.anthropic;

import java.nio.charset.StandardCharsets;

import io.vertx.core.buffer.Buffer;

/**
 * Splits a server-sent-event stream into (event name, data) pairs however the bytes are chunked. Used where
 * every event is translated anyway, so lines are decoded to text; only complete lines are decoded, so a
 * multi-byte character split across chunks is never broken. Comments and ids are dropped.
 */
public final class SseDecoder {

    /** Receives each complete event; name is null when the event had no `event:` line. */
    public interface Sink {
        void event(String name, String data);
    }

    private final Sink sink;
    private Buffer pending = Buffer.buffer();
    private String name;
    private StringBuilder data;

    public SseDecoder(Sink sink) {
        this.sink = sink;
    }

    public void feed(Buffer chunk) {
        pending.appendBuffer(chunk);
        int start = 0;
        for (int i = 0; i < pending.length(); i++) {
            if (pending.getByte(i) == '\n') {
                int end = i > start && pending.getByte(i - 1) == '\r' ? i - 1 : i;
                line(pending.getString(start, end, StandardCharsets.UTF_8.name()));
                start = i + 1;
            }
        }
        pending = start == 0 ? pending : pending.getBuffer(start, pending.length());
    }

    /** Delivers an event the stream did not terminate with a blank line. */
    public void finish() {
        if (pending.length() > 0) {
            line(pending.toString(StandardCharsets.UTF_8));
            pending = Buffer.buffer();
        }
        dispatch();
    }

    private void line(String line) {
        if (line.isEmpty()) {
            dispatch();
        } else if (line.startsWith("data:")) {
            String value = line.startsWith("data: ") ? line.substring(6) : line.substring(5);
            if (data == null) {
                data = new StringBuilder(value);
            } else {
                data.append('\n').append(value);
            }
        } else if (line.startsWith("event:")) {
            name = line.substring(6).strip();
        }
    }

    private void dispatch() {
        if (data != null) {
            sink.event(name, data.toString());
        }
        name = null;
        data = null;
    }
}
