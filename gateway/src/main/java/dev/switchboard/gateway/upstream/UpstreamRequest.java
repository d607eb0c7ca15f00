package dev.switchboard.gateway.upstream;

import dev.switchboard.routing.PolicySettings;
import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.vertx.core.buffer.Buffer;

/**
 * One call to one provider: the JSON body is already rewritten to the provider's model name. {@code timeouts}
 * are the ones to apply to this call: the provider's, cut down to what is left of the request's deadline.
 * {@code maxResponseBytes} bounds an answer the gateway holds whole (anything but a stream it relays as it comes).
 */
public record UpstreamRequest(UpstreamProvider provider, String apiKey, Operation operation, Buffer body,
        boolean stream, String requestId, Timeouts timeouts, long maxResponseBytes) {

    /** A call with the provider's own timeouts and the default answer limit. */
    public UpstreamRequest(UpstreamProvider provider, String apiKey, Operation operation, Buffer body, boolean stream, String requestId) {
        this(provider, apiKey, operation, body, stream, requestId, provider.timeouts(), PolicySettings.DEFAULT_MAX_RESPONSE_BODY_BYTES);
    }

    /** The same call with another body: an adapter's translation of this one. */
    public UpstreamRequest withBody(Buffer translated) {
        return new UpstreamRequest(provider, apiKey, operation, translated, stream, requestId, timeouts, maxResponseBytes);
    }
}
