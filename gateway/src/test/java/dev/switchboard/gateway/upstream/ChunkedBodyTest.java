package dev.switchboard.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

class ChunkedBodyTest {

    @Test
    void nothingCollectedReadsAsAnEmptyBuffer() {
        ChunkedBody body = new ChunkedBody();
        body.append(Buffer.buffer());
        assertThat(body.length()).isZero();
        assertThat(body.buffer().length()).isZero();
    }

    @Test
    void oneChunkReadsAsItselfAndSeveralReadAsOneInOrder() {
        ChunkedBody body = new ChunkedBody();
        body.append(Buffer.buffer("{\"id\":"));
        assertThat(body.buffer().toString()).isEqualTo("{\"id\":");
        body.append(Buffer.buffer());
        body.append(Buffer.buffer("\"a\""));
        body.append(Buffer.buffer("}"));
        assertThat(body.length()).isEqualTo(10);
        assertThat(body.buffer().toString()).isEqualTo("{\"id\":\"a\"}");
        // Reading does not consume: a second reader sees the same bytes.
        assertThat(body.buffer().toString()).isEqualTo("{\"id\":\"a\"}");
    }
}
