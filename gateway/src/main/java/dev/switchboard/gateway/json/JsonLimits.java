package dev.switchboard.gateway.json;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.vertx.core.buffer.Buffer;

/**
 * The bounds every JSON document the gateway reads is parsed under (Jackson's stream read constraints), chosen for
 * the APIs it speaks rather than left to library defaults. The gateway's own streaming scans use {@link #FACTORY};
 * {@link JsonTreeLimits} applies the same bounds to Vert.x's {@code JsonObject} parsing, and {@link RequestTrees}
 * adds a token budget for client requests that are parsed into trees.
 * <ul>
 * <li>Nesting depth 128: the deepest legitimate documents are JSON schemas of tools and structured outputs, which
 * the providers limit to a few levels; deeper nesting only costs stack and memory.</li>
 * <li>Numbers of at most 100 characters: no field of these APIs needs more than a double's 25; converting a longer
 * digit string costs time that grows with the square of its length.</li>
 * <li>Strings of up to 100 MiB, the largest request body a policy may accept
 * ({@code maxRequestBodyBytes}); a base64 image or document is one string. Longer ones are only possible in an
 * upstream answer whose limit was raised beyond that, and are refused as invalid.</li>
 * <li>Field names of at most 4096 characters; the APIs' own names are short, user-defined ones (schema property names,
 * metadata keys) rarely exceed a few dozen.</li>
 * <li>No document length limit here: every body is already bounded in bytes before it is parsed
 * ({@code maxRequestBodyBytes}, {@code maxResponseBodyBytes}).</li>
 * </ul>
 */
public final class JsonLimits {

    public static final int MAX_DEPTH = 128;
    public static final int MAX_NUMBER_LENGTH = 100;
    public static final int MAX_STRING_LENGTH = 100 * 1024 * 1024;
    public static final int MAX_NAME_LENGTH = 4096;

    public static final StreamReadConstraints CONSTRAINTS = builder().build();

    /** For streaming scans: creating parsers is thread-safe. */
    public static final JsonFactory FACTORY = JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();

    private JsonLimits() {
    }

    /** The constraints above, for a caller that adds its own (a token budget). */
    static StreamReadConstraints.Builder builder() {
        return StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .maxStringLength(MAX_STRING_LENGTH)
                .maxNameLength(MAX_NAME_LENGTH)
                .maxDocumentLength(-1);
    }

    /**
     * A parser over the buffer without copying it: straight from its array when it has one, else (a buffer made of
     * several chunks) through a stream over them. Byte offsets count from the buffer's start either way.
     */
    public static JsonParser parser(JsonFactory factory, Buffer buffer) throws IOException {
        ByteBuf bytes = buffer.getByteBuf();
        if (bytes.hasArray()) {
            return factory.createParser(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
        }
        return factory.createParser((java.io.InputStream) new ByteBufInputStream(bytes));
    }

    /** A constraint's message without Jackson's pointer to its own API: "Document nesting depth (129) exceeds the maximum allowed (128)". */
    public static String describe(StreamConstraintsException e) {
        String message = e.getOriginalMessage();
        return message == null ? "a JSON limit of the gateway was exceeded" : message.replaceAll(", from `[^`]*`", "");
    }
}
