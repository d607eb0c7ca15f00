package dev.switchboard.gateway.http;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import io.vertx.core.buffer.Buffer;

/**
 * Splits a server-sent-event byte stream into events, however the bytes are chunked. Only what the relay
 * needs: the joined data lines of each event as bytes (never decoded to text), plus any other field lines
 * verbatim. Comments are dropped.
 */
final class SseParser {

    /** One event: the non-data field lines as received ("event: x\n"...) and the joined data, or null. */
    record Event(String otherFields, Buffer data) {
    }

    private final Consumer<Event> sink;
    private Buffer pending = Buffer.buffer();
    private StringBuilder fields = new StringBuilder();
    private Buffer data;

    SseParser(Consumer<Event> sink) {
        this.sink = sink;
    }

    void feed(Buffer chunk) {
        pending.appendBuffer(chunk);
        int start = 0;
        for (int i = 0; i < pending.length(); i++) {
            if (pending.getByte(i) == '\n') {
                line(start, i);
                start = i + 1;
            }
        }
        pending = start == 0 ? pending : pending.getBuffer(start, pending.length());
    }

    /** Flushes an event the upstream did not terminate with a blank line. */
    void finish() {
        if (pending.length() > 0) {
            line(0, pending.length());
            pending = Buffer.buffer();
        }
        dispatch();
    }

    private void line(int start, int end) {
        if (end > start && pending.getByte(end - 1) == '\r') {
            end--;
        }
        if (end == start) {
            dispatch();
        } else if (startsWith(start, end, "data:")) {
            int value = start + 5 < end && pending.getByte(start + 5) == ' ' ? start + 6 : start + 5;
            if (data == null) {
                data = Buffer.buffer(end - value);
            } else {
                data.appendByte((byte) '\n');
            }
            data.appendBuffer(pending, value, end - value);
        } else if (pending.getByte(start) != ':') {
            fields.append(pending.getString(start, end, StandardCharsets.UTF_8.name())).append('\n');
        }
    }

    private void dispatch() {
        if (data != null || fields.length() > 0) {
            sink.accept(new Event(fields.toString(), data));
        }
        fields = new StringBuilder();
        data = null;
    }

    private boolean startsWith(int start, int end, String prefix) {
        if (end - start < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (pending.getByte(start + i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
