package dev.switchboard.gateway.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

class FrameDecoderTest {

    private static FrameDecoder.Event event(String name, String fields, String data) {
        return new FrameDecoder.Event(name, fields, Buffer.buffer(data));
    }

    private final List<FrameDecoder.Event> events = new ArrayList<>();
    private final FrameDecoder parser = FrameDecoder.sse(events::add);

    @Test
    void eventsSurviveArbitraryChunkBoundariesAndCrLf() {
        String stream = ": keep-alive\r\ndata: {\"a\":1}\r\n\r\nevent: x\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n";
        for (int i = 0; i < stream.length(); i += 3) {
            parser.feed(Buffer.buffer(stream.substring(i, Math.min(stream.length(), i + 3))));
        }

        assertThat(events).containsExactly(
                event(null, "", "{\"a\":1}"),
                event("x", "event: x\n", "line1\nline2"),
                event(null, "", "[DONE]"));
    }

    @Test
    void anUnterminatedLastEventIsFlushedAtTheEnd() {
        parser.feed(Buffer.buffer("data: tail"));
        assertThat(events).isEmpty();

        parser.finish();

        assertThat(events).containsExactly(event(null, "", "tail"));
    }

    @Test
    void multiByteCharactersSplitAcrossChunksStayIntact() {
        byte[] bytes = "data: \u00e9t\u00e9 \uD83D\uDE80\n\n".getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            parser.feed(Buffer.buffer(new byte[] { b }));
        }

        assertThat(events).containsExactly(event(null, "", "\u00e9t\u00e9 \uD83D\uDE80"));
    }

    @Test
    void eventNamesAndDataAreHandedOnAsText() {
        List<String> seen = new ArrayList<>();
        FrameDecoder decoder = FrameDecoder.sseData((name, data) -> seen.add(name + "=" + data));
        byte[] bytes = "event: a\ndata: {\"x\":\"é\"}\n\n: comment\nevent: b\r\ndata: 1\r\ndata: 2\r\n\r\nevent: empty\n\n"
                .getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            decoder.feed(Buffer.buffer(new byte[] { b }));
        }
        decoder.finish();

        assertThat(seen).containsExactly("a={\"x\":\"é\"}", "b=1\n2");
    }

    @Test
    void ndjsonLinesArriveWholeAndBlankLinesAreSkipped() {
        List<String> lines = new ArrayList<>();
        FrameDecoder decoder = FrameDecoder.ndjson(line -> lines.add(line.toString(StandardCharsets.UTF_8)));
        String stream = "{\"a\":\"\u00e9\"}\n\n  \r\n{\"b\":2}\r\n{\"c\":3}";
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += 2) {
            decoder.feed(Buffer.buffer().appendBytes(bytes, i, Math.min(2, bytes.length - i)));
        }
        assertThat(lines).containsExactly("{\"a\":\"\u00e9\"}", "{\"b\":2}");

        decoder.finish();

        assertThat(lines).containsExactly("{\"a\":\"\u00e9\"}", "{\"b\":2}", "{\"c\":3}");
    }

    @Test
    void aReaderMaySkipDataLinesItDoesNotNeed() {
        List<FrameDecoder.Event> kept = new ArrayList<>();
        FrameDecoder decoder = FrameDecoder.sse(new FrameDecoder.EventSink() {
            @Override
            public boolean keep(String name, Buffer line, int from, int end) {
                return !"ping".equals(name);
            }

            @Override
            public void event(FrameDecoder.Event event) {
                kept.add(event);
            }
        });

        decoder.feed(Buffer.buffer("event: ping\ndata: {}\n\nevent: error\ndata: {\"e\":1}\n\n"));

        assertThat(kept).containsExactly(
                new FrameDecoder.Event("ping", "event: ping\n", null),
                event("error", "event: error\n", "{\"e\":1}"));
    }
}
