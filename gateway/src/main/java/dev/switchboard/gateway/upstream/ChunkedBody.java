package dev.switchboard.gateway.upstream;

import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;

/**
 * A body collected chunk by chunk without copying: the chunks are kept as they arrived and read as one buffer.
 * Appending to one growing buffer instead would copy everything collected so far each time it grows, and hold the
 * old and the new copy at once; an answer of tens of megabytes would briefly need several times its size.
 */
public final class ChunkedBody {

    private final CompositeByteBuf chunks = Unpooled.compositeBuffer(Integer.MAX_VALUE);

    public void append(Buffer chunk) {
        if (chunk.length() > 0) {
            chunks.addComponent(true, chunk.getByteBuf());
        }
    }

    public int length() {
        return chunks.readableBytes();
    }

    /** Everything collected, as one buffer sharing the chunks' bytes. */
    public Buffer buffer() {
        return Buffer.buffer(chunks.duplicate());
    }
}
