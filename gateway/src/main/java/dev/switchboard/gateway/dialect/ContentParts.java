package dev.switchboard.gateway.dialect;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The parts of an OpenAI message's `content` array walked as the provider dialects that translate chat messages walk
 * them: each part must be an object, and is read with its path ({@code param[i]}) and its type. How a part that is no
 * object is refused stays in each dialect's own words.
 */
public final class ContentParts {

    /** Reads one part; throws what the dialect cannot translate. */
    @FunctionalInterface
    public interface Reader {
        void part(JsonObject part, String type, String at) throws Untranslatable;
    }

    private ContentParts() {
    }

    /** Reads each part in order; a part that is no object is invalid, as {@code notAnObject} says. */
    public static void read(JsonArray parts, String param, String notAnObject, Reader reader) throws Untranslatable {
        for (int i = 0; i < parts.size(); i++) {
            String at = param + "[" + i + "]";
            if (!(parts.getValue(i) instanceof JsonObject part)) {
                throw Untranslatable.invalid(at, notAnObject);
            }
            reader.part(part, String.valueOf(part.getValue("type")), at);
        }
    }
}
