package dev.switchboard.gateway.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.testing.GatewayTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Inside the running gateway, Vert.x's JsonObject parses with the gateway's JSON limits (Quarkus' ObjectMapper,
 * customized), not with library defaults: that is how the answers the adapters translate are read.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class JsonTreeLimitsTest {

    @Test
    void jsonObjectsInTheGatewayParseWithinItsLimits() {
        String deep = "{\"a\":" + "[".repeat(JsonLimits.MAX_DEPTH + 1) + "]".repeat(JsonLimits.MAX_DEPTH + 1) + "}";
        String longNumber = "{\"a\":" + "1".repeat(JsonLimits.MAX_NUMBER_LENGTH + 1) + "}";

        assertThatThrownBy(() -> new JsonObject(deep)).isInstanceOf(DecodeException.class).hasMessageContaining("nesting depth");
        assertThatThrownBy(() -> new JsonObject(longNumber)).isInstanceOf(DecodeException.class).hasMessageContaining("Number value length");
        assertThat(new JsonObject("{\"a\":" + "[".repeat(JsonLimits.MAX_DEPTH - 1) + "]".repeat(JsonLimits.MAX_DEPTH - 1) + "}").size())
                .isEqualTo(1);
    }
}
