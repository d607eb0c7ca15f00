package dev.switchboard.gateway.front;

import dev.switchboard.gateway.capability.RequestFeatures;
import dev.switchboard.gateway.resilience.ClientReply;
import dev.switchboard.gateway.resilience.UpstreamBody;

/**
 * A request as its client API prepared it: what it uses (for the capability check), what each attempt sends (the
 * {@link UpstreamBody} side) and the writer of its answer. Holds the API's per-request state, such as a translation
 * made once for every target that needs it.
 */
public interface PreparedRequest extends UpstreamBody {

    /** What the request uses, checked against each target's declared capabilities; null checks nothing. */
    RequestFeatures features();

    /** The writer of the answer, in the client's API. Called once, when the request is dispatched. */
    ClientReply reply();

    /**
     * The answer the gateway gives itself, without calling a provider (an estimate of a token count where no target can
     * count), run at dispatch instead of the attempt pipeline; null when the pipeline serves the request.
     */
    default Runnable local() {
        return null;
    }
}
