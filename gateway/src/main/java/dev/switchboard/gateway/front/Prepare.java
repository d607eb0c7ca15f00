package dev.switchboard.gateway.front;

import dev.switchboard.gateway.capability.CapabilityCheck;
import dev.switchboard.gateway.capability.Feature;
import dev.switchboard.gateway.resilience.AttemptPipeline;
import jakarta.inject.Singleton;

/**
 * The client API's own reading of the request, then the capability check: a request no target of the model or its
 * fallbacks could serve faithfully is refused here, before it takes anything from the caller's limits.
 */
@Singleton
final class Prepare implements FrontStep {

    @Override
    public void apply(Inbound request, Next next) {
        if (prepare(request)) {
            next.proceed();
        }
    }

    /** Prepares the request as its body now stands (again, after a hook rewrote it); false when it was refused. */
    static boolean prepare(Inbound request) {
        PreparedRequest prepared;
        try {
            prepared = request.api().prepare(request);
        } catch (Refused e) {
            request.refuse(e.error());
            return false;
        }
        Feature unsupported = AttemptPipeline.unservable(request.table(), request.chain().routes(), prepared.features());
        if (unsupported != null) {
            request.refuse(CapabilityCheck.refusal(unsupported, request.model()));
            return false;
        }
        request.prepared = prepared;
        return true;
    }
}
