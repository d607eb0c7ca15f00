package dev.switchboard.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

class AccessLogWriterTest {

    /** Standard output as the writer sees it: each write call's bytes, in order. */
    static final class Writes implements WritableByteChannel {
        final List<String> calls = new ArrayList<>();

        @Override
        public synchronized int write(ByteBuffer src) {
            byte[] bytes = new byte[src.remaining()];
            src.get(bytes);
            calls.add(new String(bytes, StandardCharsets.UTF_8));
            return bytes.length;
        }

        synchronized List<String> calls() {
            return List.copyOf(calls);
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static void log(AccessLogWriter writer, String line) {
        writer.publish(new LogRecord(Level.INFO, line));
    }

    @Test
    void everyLineLeavesWholeInOrderAndNoWriteSplitsALineOrExceedsWhatAPipeKeepsTogether() {
        Writes out = new Writes();
        AccessLogWriter writer = new AccessLogWriter(out);
        List<String> logged = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            // Lines of varied length, some with multi-byte characters, one far longer than a pipe's atomic write.
            String line = "{\"requestId\":\"" + i + "\",\"clientName\":\"équipe-" + "x".repeat(i % 97) + "\"}";
            if (i == 250) {
                line = "{\"long\":\"" + "y".repeat(3 * AccessLogWriter.ATOMIC_BYTES) + "\"}";
            }
            logged.add(line);
            log(writer, line);
        }
        writer.close();

        List<String> calls = out.calls();
        assertThat(String.join("", calls)).isEqualTo(String.join("\n", logged) + "\n");
        for (String call : calls) {
            assertThat(call).endsWith("\n");
            if (!call.contains("\"long\"")) {
                assertThat(call.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(AccessLogWriter.ATOMIC_BYTES);
            } else {
                assertThat(call).startsWith("{\"long\"").hasLineCount(1);
            }
        }
        // 500 lines of about 70 bytes fit in far fewer writes than lines, because every write fills up with whole lines.
        assertThat(calls.size()).isLessThan(logged.size());
    }

    @Test
    void aLineLoggedAfterCloseIsWrittenAtOnce() {
        Writes out = new Writes();
        AccessLogWriter writer = new AccessLogWriter(out);
        writer.close();
        log(writer, "{\"late\":true}");
        assertThat(out.calls()).containsExactly("{\"late\":true}\n");
    }
}
