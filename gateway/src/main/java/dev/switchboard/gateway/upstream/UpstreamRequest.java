package dev.switchboard.gateway.upstream;

import dev.switchboard.routing.UpstreamProvider;
import io.vertx.core.buffer.Buffer;

/** One call to one provider: the JSON body is already rewritten to the provider's model name. */
public record UpstreamRequest(UpstreamProvider provider, String apiKey, Operation operation, Buffer body,
        boolean stream, String requestId) {
}
