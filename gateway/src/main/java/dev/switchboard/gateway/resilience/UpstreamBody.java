package dev.switchboard.gateway.resilience;

import dev.switchboard.routing.ModelRoute.Target;
import dev.switchboard.routing.UpstreamProvider;

/**
 * Produces the upstream request for one attempt, since it depends on the target: the model name is the
 * target's upstream name, and another provider type may need another dialect or operation. Called once per attempt, on the
 * event loop, after the target's breaker and key admitted it; it must not block.
 */
@FunctionalInterface
public interface UpstreamBody {

    /** The request for this target, or null when this target cannot take the request (it is skipped, not blamed). */
    AttemptRequest forAttempt(UpstreamProvider provider, Target target);
}
