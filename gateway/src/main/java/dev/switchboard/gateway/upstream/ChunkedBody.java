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

    /** The only chunk so far: most answers held whole come in one, and need no composite around it. */
    private Buffer single;
    private CompositeByteBuf chunks;

    public void append(Buffer chunk) {
        if (chunk.length() == 0) {
            return;
        }
        if (chunks != null) {
            chunks.addComponent(true, chunk.getByteBuf());
        } else if (single == null) {
            single = chunk;
        } else {
            chunks = Unpooled.compositeBuffer(Integer.MAX_VALUE);
            chunks.addComponent(true, single.getByteBuf());
            chunks.addComponent(true, chunk.getByteBuf());
            single = null;
        }
    }

    public int length() {
        return chunks != null ? chunks.readableBytes() : single != null ? single.length() : 0;
    }

    /** Everything collected, as one buffer sharing the chunks' bytes. */
    public Buffer buffer() {
        if (chunks != null) {
            return Buffer.buffer(chunks.duplicate());
        }
        return single != null ? single : Buffer.buffer();
    }
}
