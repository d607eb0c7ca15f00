package dev.switchboard.gateway.policy.cache;

import java.nio.charset.StandardCharsets;

import dev.switchboard.gateway.upstream.Operation;
import io.vertx.core.buffer.Buffer;

/**
 * A whole, successful answer as the client's reply consumed it: its {@code format} (the operation that produced it, so
 * an OpenAI completion, embedding list or Anthropic message), the provider that answered, and the JSON body. Streams
 * are stored in this form too, assembled; a hit is replayed as JSON or as a stream, whichever the request asks for.
 */
public record CachedAnswer(Operation format, String provider, Buffer body) {

    /** {@code FORMAT\nprovider\n} then the body: one binary-safe value for Redis. */
    public Buffer encode() {
        return Buffer.buffer(format.name() + "\n" + provider + "\n").appendBuffer(body);
    }

    /** The inverse of {@link #encode}; null for a value this build cannot read. */
    public static CachedAnswer decode(Buffer value) {
        int first = indexOf(value, 0);
        int second = first < 0 ? -1 : indexOf(value, first + 1);
        if (second < 0) {
            return null;
        }
        try {
            Operation format = Operation.valueOf(value.getString(0, first, StandardCharsets.US_ASCII.name()));
            return new CachedAnswer(format, value.getString(first + 1, second, StandardCharsets.UTF_8.name()), value.getBuffer(second + 1, value.length()));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public int size() {
        return body.length() + provider.length() + 16;
    }

    private static int indexOf(Buffer value, int from) {
        for (int i = from; i < value.length(); i++) {
            if (value.getByte(i) == '\n') {
                return i;
            }
        }
        return -1;
    }
}
