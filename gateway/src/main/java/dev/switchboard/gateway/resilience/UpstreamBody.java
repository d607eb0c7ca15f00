package dev.switchboard.gateway.resilience;

import dev.switchboard.routing.ModelRoute.Target;
import dev.switchboard.routing.UpstreamProvider;
import io.vertx.core.buffer.Buffer;

/**
 * Produces the upstream request body for one attempt, since it depends on the target: the model name is the
 * target's upstream name, and another provider type may need another dialect. Called once per attempt, on the
 * event loop, after the target's breaker and key admitted it; it must not block.
 */
@FunctionalInterface
public interface UpstreamBody {

    /** The body for this target, or null when this target cannot take the request (it is skipped, not blamed). */
    Buffer forAttempt(UpstreamProvider provider, Target target);
}
