package dev.switchboard.gateway.resilience;

import java.util.Objects;

import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.routing.UpstreamProvider;
import io.vertx.core.buffer.Buffer;

/**
 * What one attempt sends to its target. The operation can differ per target (a /v1/messages request goes
 * untranslated to an Anthropic provider, as a chat request to any other), and the provider may carry headers of
 * this request on top of its configured ones (the client's anthropic-version on a passthrough).
 *
 * @param operation the operation the upstream is called with; the delivered response is in its format
 * @param provider  the target's provider as it is called
 * @param body      the body, the model already rewritten to the target's upstream name
 */
public record AttemptRequest(Operation operation, UpstreamProvider provider, Buffer body) {

    public AttemptRequest {
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(body, "body");
    }
}
