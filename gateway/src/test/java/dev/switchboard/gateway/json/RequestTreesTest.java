package dev.switchboard.gateway.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.upstream.ChunkedBody;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

class RequestTreesTest {

    @Test
    void aRequestBecomesATreeFromOneBufferOrFromChunks() throws Exception {
        String json = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":1.5}";
        ChunkedBody chunks = new ChunkedBody();
        chunks.append(Buffer.buffer(json.substring(0, 10)));
        chunks.append(Buffer.buffer(json.substring(10)));

        assertThat(RequestTrees.parse(Buffer.buffer(json))).isEqualTo(new JsonObject(json));
        assertThat(RequestTrees.parse(chunks.buffer())).isEqualTo(new JsonObject(json));
    }

    @Test
    void aBodyOfTinyObjectsStopsAtTheTokenBudget() {
        StringBuilder json = new StringBuilder("{\"model\":\"m\",\"messages\":[");
        for (int i = 0; i < RequestTrees.MAX_TOKENS; i++) {
            json.append(i == 0 ? "{}" : ",{}");
        }
        json.append("]}");

        assertThatThrownBy(() -> RequestTrees.parse(Buffer.buffer(json.toString()))).isInstanceOf(RequestTrees.TooComplex.class)
                .hasMessageContaining(Long.toString(RequestTrees.MAX_TOKENS)).hasMessageNotContaining("StreamReadConstraints");
    }

    @Test
    void whatIsNotOneObjectIsADecodeError() {
        assertThatThrownBy(() -> RequestTrees.parse(Buffer.buffer("[1]"))).isInstanceOf(DecodeException.class);
        assertThatThrownBy(() -> RequestTrees.parse(Buffer.buffer("{\"a\":"))).isInstanceOf(DecodeException.class);
    }
}
