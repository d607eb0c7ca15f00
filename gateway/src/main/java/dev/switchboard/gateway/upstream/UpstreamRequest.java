package dev.switchboard.gateway.upstream;

import java.util.Map;

import dev.switchboard.routing.PolicySettings;
import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.vertx.core.buffer.Buffer;

/**
 * One call to one provider: the JSON body is already rewritten to the provider's model name. {@code timeouts}
 * are the ones to apply to this call: the provider's, cut down to what is left of the request's deadline.
 * {@code maxResponseBytes} bounds an answer the gateway holds whole (anything but a stream it relays as it comes).
 * {@code traceHeaders} carry the attempt's W3C trace context (traceparent, tracestate); empty when not traced.
 */
public record UpstreamRequest(UpstreamProvider provider, String apiKey, Operation operation, Buffer body,
        boolean stream, String requestId, Timeouts timeouts, long maxResponseBytes, Map<String, String> traceHeaders) {

    /** A call outside any trace. */
    public UpstreamRequest(UpstreamProvider provider, String apiKey, Operation operation, Buffer body, boolean stream, String requestId,
            Timeouts timeouts, long maxResponseBytes) {
        this(provider, apiKey, operation, body, stream, requestId, timeouts, maxResponseBytes, Map.of());
    }

    /**
     * The same call with another body (a translating adapter's): everything else is kept, the deadline-cut
     * timeouts above all, which a request rebuilt from the provider would lose.
     */
    public UpstreamRequest withBody(Buffer translated) {
        return new UpstreamRequest(provider, apiKey, operation, translated, stream, requestId, timeouts, maxResponseBytes, traceHeaders);
    }
}
