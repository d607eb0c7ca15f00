package dev.switchboard.gateway.resilience;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.vertx.core.buffer.Buffer;

/** Checks that an upstream answer is one well-formed JSON object before it is delivered, with a streaming parser (no tree). */
final class JsonBodies {

    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonBodies() {
    }

    static boolean isObject(Buffer body) {
        try (JsonParser parser = FACTORY.createParser(body.getBytes())) {
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
