package dev.switchboard.gateway.policy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

class CacheKeyTest {

    private static String key(String scope, String body) {
        return CacheKey.of("chat", "gpt-4o", scope, List.of(), Buffer.buffer(body));
    }

    @Test
    void deliveryAndCallerFieldsAndMemberOrderDoNotChangeTheKey() {
        String plain = key("alice", "{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":0}");
        assertThat(key("alice", "{\"temperature\":0,\"stream\":true,\"stream_options\":{\"include_usage\":true},\"user\":\"u\","
                + "\"metadata\":{\"a\":1},\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],\"model\":\"gpt-4o\"}")).isEqualTo(plain);
    }

    @Test
    void whatChangesTheAnswerChangesTheKey() {
        String plain = key("alice", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":0}");
        assertThat(key("alice", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":1}")).isNotEqualTo(plain);
        assertThat(key("alice", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi!\"}],\"temperature\":0}")).isNotEqualTo(plain);
        assertThat(key("bob", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":0}")).isNotEqualTo(plain);
        assertThat(CacheKey.of("messages", "gpt-4o", "alice", List.of(), Buffer.buffer("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":0}")))
                .isNotEqualTo(plain);
        assertThat(CacheKey.of("chat", "gpt-4o", "alice", List.of("post"), Buffer.buffer("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":0}")))
                .isNotEqualTo(plain);
        assertThat(key("alice", "[1,2]")).isNull();
    }
}
