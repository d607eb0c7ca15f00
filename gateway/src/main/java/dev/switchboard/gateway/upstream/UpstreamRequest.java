package dev.switchboard.gateway.upstream;

import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.vertx.core.buffer.Buffer;

/**
 * One call to one provider: the JSON body is already rewritten to the provider's model name. {@code timeouts}
 * are the ones to apply to this call: the provider's, cut down to what is left of the request's deadline.
 */
public record UpstreamRequest(UpstreamProvider provider, String apiKey, Operation operation, Buffer body,
        boolean stream, String requestId, Timeouts timeouts) {

    /** A call with the provider's own timeouts. */
    public UpstreamRequest(UpstreamProvider provider, String apiKey, Operation operation, Buffer body, boolean stream, String requestId) {
        this(provider, apiKey, operation, body, stream, requestId, provider.timeouts());
    }
}
