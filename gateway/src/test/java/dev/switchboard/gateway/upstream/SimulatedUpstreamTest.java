package dev.switchboard.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

class SimulatedUpstreamTest {

    @Test
    void failuresAreSpreadEvenlyAndExactly() {
        assertThat(LongStream.range(0, 100).filter(n -> SimulatedUpstream.failsAt(0.1, n)).count()).isEqualTo(10);
        assertThat(LongStream.range(0, 10).filter(n -> SimulatedUpstream.failsAt(0.25, n)).toArray()).containsExactly(3, 7);
        assertThat(LongStream.range(0, 50).noneMatch(n -> SimulatedUpstream.failsAt(0, n))).isTrue();
        assertThat(LongStream.range(0, 50).allMatch(n -> SimulatedUpstream.failsAt(1, n))).isTrue();
    }

    @Test
    void contentDependsOnThePromptOnly() {
        JsonObject a = chat("tell me a story", 8);
        JsonObject b = chat("tell me a story", 8);
        JsonObject c = chat("something else entirely", 8);

        assertThat(SimulatedContent.tokens(a)).hasSize(8).isEqualTo(SimulatedContent.tokens(b)).isNotEqualTo(SimulatedContent.tokens(c));
        assertThat(SimulatedContent.promptTokens(a)).isEqualTo(4);
    }

    @Test
    void embeddingsAreUnitVectorsOfTheRequestedSize() {
        JsonArray vector = SimulatedContent.embedding("hello", 32);

        double norm = vector.stream().mapToDouble(v -> ((Number) v).doubleValue()).map(v -> v * v).sum();
        assertThat(vector).hasSize(32);
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(SimulatedContent.embedding("hello", 32)).isEqualTo(vector);
    }

    private static JsonObject chat(String prompt, int maxTokens) {
        return new JsonObject().put("model", "m").put("max_tokens", maxTokens)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)));
    }
}
