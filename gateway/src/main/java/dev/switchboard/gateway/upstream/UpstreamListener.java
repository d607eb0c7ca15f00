package dev.switchboard.gateway.upstream;

import dev.switchboard.gateway.dialect.ApiError;
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

    /**
     * Hears an error an adapter produced (a provider's own error translated, or a request it refuses) as a complete
     * OpenAI error response; the gateway relays it with its status like any upstream error.
     */
    default void onError(ApiError error, String retryAfter) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
        if (retryAfter != null) {
            headers.add("retry-after", retryAfter);
        }
        onHead(error.status(), headers);
        onChunk(Buffer.buffer(error.toJson().encode()));
        onEnd();
    }
}
