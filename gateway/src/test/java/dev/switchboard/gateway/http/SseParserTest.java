package dev.switchboard.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

class SseParserTest {

    private static SseParser.Event event(String otherFields, String data) {
        return new SseParser.Event(otherFields, Buffer.buffer(data));
    }

    private final List<SseParser.Event> events = new ArrayList<>();
    private final SseParser parser = new SseParser(events::add);

    @Test
    void eventsSurviveArbitraryChunkBoundariesAndCrLf() {
        String stream = ": keep-alive\r\ndata: {\"a\":1}\r\n\r\nevent: x\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n";
        for (int i = 0; i < stream.length(); i += 3) {
            parser.feed(Buffer.buffer(stream.substring(i, Math.min(stream.length(), i + 3))));
        }

        assertThat(events).containsExactly(
                event("", "{\"a\":1}"),
                event("event: x\n", "line1\nline2"),
                event("", "[DONE]"));
    }

    @Test
    void anUnterminatedLastEventIsFlushedAtTheEnd() {
        parser.feed(Buffer.buffer("data: tail"));
        assertThat(events).isEmpty();

        parser.finish();

        assertThat(events).containsExactly(event("", "tail"));
    }

    @Test
    void multiByteCharactersSplitAcrossChunksStayIntact() {
        byte[] bytes = "data: \u00e9t\u00e9 \uD83D\uDE80\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (byte b : bytes) {
            parser.feed(Buffer.buffer(new byte[] { b }));
        }

        assertThat(events).containsExactly(event("", "\u00e9t\u00e9 \uD83D\uDE80"));
    }
}
