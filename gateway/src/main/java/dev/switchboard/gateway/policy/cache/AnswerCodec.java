package dev.switchboard.gateway.policy.cache;

import java.util.Set;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import dev.switchboard.gateway.upstream.Operation;

/**
 * A wire dialect's side of the response cache, implemented in its package: how a stream of its answers becomes the
 * whole answer to store, and how a stored answer is replayed as the stream its provider would have sent (split into
 * pieces of a few words, as generation arrives), which the client's reply then writes like any upstream stream.
 */
public interface AnswerCodec {

    /** The operations whose answers this codec reads and writes. */
    Set<Operation> formats();

    /** A collector of one stream's events (the JSON data of each), in order. */
    Assembly assemble();

    /** The stored answer as the provider's event stream, in server-sent events. */
    Buffer stream(JsonObject whole);

    interface Assembly {
        void event(JsonObject data);

        /** The whole answer, or null when the stream did not end complete (no terminator, an error event). */
        JsonObject whole(boolean terminated);
    }

    /** The pieces a replayed text is cut into: about four words each. */
    static java.util.List<String> pieces(String text) {
        java.util.List<String> pieces = new java.util.ArrayList<>();
        int start = 0;
        int words = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == ' ' && ++words % 4 == 0) {
                pieces.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length() || pieces.isEmpty()) {
            pieces.add(text.substring(start));
        }
        return pieces;
    }

    /** One server-sent event, with its name when the dialect names events. */
    static void event(Buffer out, String name, JsonObject data) {
        if (name != null) {
            out.appendString("event: ").appendString(name).appendString("\n");
        }
        out.appendString("data: ").appendBuffer(data.toBuffer()).appendString("\n\n");
    }
}
