package dev.switchboard.gateway.resilience;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import dev.switchboard.gateway.json.JsonLimits;
import dev.switchboard.gateway.upstream.Operation;
import io.vertx.core.buffer.Buffer;

/**
 * Checks that an upstream answer is one well-formed JSON object within the gateway's JSON limits before it is
 * delivered, with a streaming parser over the collected chunks (no tree, no copy). A Messages answer, relayed to its
 * client untranslated, must also carry its `content` as a list of blocks: a client's SDK cannot read one that does
 * not, so it is no more an answer than broken JSON (translated answers are checked by their translation).
 */
final class JsonBodies {

    private JsonBodies() {
    }

    static boolean isAnswer(Buffer body, Operation operation) {
        try (JsonParser parser = JsonLimits.parser(JsonLimits.FACTORY, body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            boolean contentIsList = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("content".equals(field)) {
                    contentIsList = value == JsonToken.START_ARRAY;
                }
                parser.skipChildren();
            }
            return parser.nextToken() == null && (operation != Operation.MESSAGES || contentIsList);
        } catch (IOException e) {
            return false;
        }
    }
}
