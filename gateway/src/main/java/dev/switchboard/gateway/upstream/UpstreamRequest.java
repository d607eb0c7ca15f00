package dev.switchboard.gateway.upstream;

import dev.switchboard.routing.UpstreamProvider;
import io.vertx.core.json.JsonObject;

/** One call to one provider: the body is already rewritten to the provider's model name. */
public record UpstreamRequest(UpstreamProvider provider, String apiKey, Operation operation, JsonObject body,
        boolean stream, String requestId) {
}
