package dev.switchboard.gateway.resilience;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import dev.switchboard.gateway.json.JsonLimits;
import io.vertx.core.buffer.Buffer;

/**
 * Checks that an upstream answer is one well-formed JSON object within the gateway's JSON limits before it is
 * delivered, with a streaming parser over the collected chunks (no tree, no copy).
 */
final class JsonBodies {

    private JsonBodies() {
    }

    static boolean isObject(Buffer body) {
        try (JsonParser parser = JsonLimits.parser(JsonLimits.FACTORY, body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            parser.skipChildren();
            return parser.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }
}
