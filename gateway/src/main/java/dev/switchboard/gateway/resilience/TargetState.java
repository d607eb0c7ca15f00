package dev.switchboard.gateway.resilience;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * What the gateway knows about one target (a provider and an upstream model): breaker, load, latency, and the
 * time it asked for with a 503 and Retry-After.
 */
public final class TargetState {

    /** Weight of the newest time-to-first-byte sample in the moving average. */
    static final double EWMA_ALPHA = 0.3;

    private final String provider;
    private final String upstreamModel;
    private final CircuitBreaker breaker;
    private final LongSupplier clock;
    private final AtomicInteger inFlight = new AtomicInteger();
    private double latencyMs = Double.NaN;
    /** Clock milliseconds before which the target asked not to be called again; 0 when it did not. */
    private long unavailableUntil;

    TargetState(String provider, String upstreamModel, CircuitBreaker breaker, LongSupplier clockMillis) {
        this.provider = provider;
        this.upstreamModel = upstreamModel;
        this.breaker = breaker;
        this.clock = clockMillis;
    }

    public String provider() {
        return provider;
    }

    public String upstreamModel() {
        return upstreamModel;
    }

    public CircuitBreaker breaker() {
        return breaker;
    }

    public int inFlight() {
        return inFlight.get();
    }

    void started() {
        inFlight.incrementAndGet();
    }

    void ended() {
        inFlight.decrementAndGet();
    }

    /** Exponentially weighted moving average of the time to first byte; NaN before the first sample. */
    public synchronized double latencyMs() {
        return latencyMs;
    }

    /**
     * A 503 with Retry-After: the target itself (every key) is not called before that time has passed, as a
     * rate-limited key is not (a later answer never shortens a longer wait asked before).
     */
    synchronized void unavailableFor(long retryAfterMs) {
        if (retryAfterMs > 0) {
            unavailableUntil = Math.max(unavailableUntil, clock.getAsLong() + retryAfterMs);
        }
    }

    /** Milliseconds until the target may be called again after its 503 with Retry-After; 0 when it may now. */
    public synchronized long millisUntilAvailable() {
        return Math.max(0, unavailableUntil - clock.getAsLong());
    }

    synchronized void firstByteAfter(double ms) {
        latencyMs = Double.isNaN(latencyMs) ? ms : EWMA_ALPHA * ms + (1 - EWMA_ALPHA) * latencyMs;
    }
}
