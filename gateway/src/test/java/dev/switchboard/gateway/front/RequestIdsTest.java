package dev.switchboard.gateway.front;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void mintedIdsAreDistinctRandomUuidsOfVersionFour() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestIds.mint();
            UUID uuid = UUID.fromString(id);
            assertThat(uuid.version()).isEqualTo(4);
            assertThat(uuid.variant()).isEqualTo(2);
            assertThat(id).hasSize(36).isEqualTo(uuid.toString());
            seen.add(id);
        }
        assertThat(seen).hasSize(10_000);
    }
}
