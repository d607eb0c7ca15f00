package dev.switchboard.gateway.routing;

import dev.switchboard.routing.ModelRoute.Target;

/** What the strategies may know about targets at the moment of choosing. */
public interface TargetView {

    /** False when the target would be refused right now (breaker open, no usable key). */
    boolean available(Target target);

    /** Requests this gateway has in flight to the target. */
    int inFlight(Target target);

    /** Moving average of the time to first byte in ms; NaN when the target has no sample yet. */
    double latencyMs(Target target);

    /** Declared price per million tokens, input plus output; +Infinity when unknown. */
    double price(Target target);
}
