package dev.switchboard.gateway.http;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import io.vertx.core.buffer.Buffer;

/**
 * Splits a server-sent-event byte stream into events, however the bytes are chunked. Only what the relay
 * needs: the joined data lines of each event, plus any other field lines verbatim. Comments are dropped.
 */
final class SseParser {

    /** One event: the non-data field lines as received ("event: x\n"...) and the joined data. */
    record Event(String otherFields, String data) {
    }

    private final Consumer<Event> sink;
    private Buffer pending = Buffer.buffer();
    private StringBuilder fields = new StringBuilder();
    private StringBuilder data;

    SseParser(Consumer<Event> sink) {
        this.sink = sink;
    }

    void feed(Buffer chunk) {
        pending.appendBuffer(chunk);
        int start = 0;
        for (int i = 0; i < pending.length(); i++) {
            if (pending.getByte(i) == '\n') {
                line(pending.getString(start, i, StandardCharsets.UTF_8.name()));
                start = i + 1;
            }
        }
        pending = start == 0 ? pending : pending.getBuffer(start, pending.length());
    }

    /** Flushes an event the upstream did not terminate with a blank line. */
    void finish() {
        if (pending.length() > 0) {
            line(pending.toString(StandardCharsets.UTF_8));
            pending = Buffer.buffer();
        }
        line("");
    }

    private void line(String raw) {
        String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
        if (line.isEmpty()) {
            if (data != null || fields.length() > 0) {
                sink.accept(new Event(fields.toString(), data == null ? null : data.toString()));
            }
            fields = new StringBuilder();
            data = null;
        } else if (line.startsWith("data:")) {
            String value = line.substring(line.startsWith("data: ") ? 6 : 5);
            if (data == null) {
                data = new StringBuilder(value);
            } else {
                data.append('\n').append(value);
            }
        } else if (!line.startsWith(":")) {
            fields.append(line).append('\n');
        }
    }
}
