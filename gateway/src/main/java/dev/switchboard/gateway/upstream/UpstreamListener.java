package dev.switchboard.gateway.upstream;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * Receives an upstream response as it arrives, on the caller's event loop. Exactly one of {@link #onEnd()}
 * or {@link #onFailure(UpstreamFailure)} is called last; {@link #onHead} comes first unless the call failed
 * before a response started.
 */
public interface UpstreamListener {

    void onHead(int status, MultiMap headers);

    void onChunk(Buffer chunk);

    void onEnd();

    void onFailure(UpstreamFailure failure);
}
