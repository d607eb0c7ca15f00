package dev.switchboard.gateway.resilience;

import java.util.concurrent.atomic.AtomicInteger;

/** What the gateway knows about one target (a provider and an upstream model): breaker, load and latency. */
public final class TargetState {

    /** Weight of the newest time-to-first-byte sample in the moving average. */
    static final double EWMA_ALPHA = 0.3;

    private final String provider;
    private final String upstreamModel;
    private final CircuitBreaker breaker;
    private final AtomicInteger inFlight = new AtomicInteger();
    private double latencyMs = Double.NaN;

    TargetState(String provider, String upstreamModel, CircuitBreaker breaker) {
        this.provider = provider;
        this.upstreamModel = upstreamModel;
        this.breaker = breaker;
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

    synchronized void firstByteAfter(double ms) {
        latencyMs = Double.isNaN(latencyMs) ? ms : EWMA_ALPHA * ms + (1 - EWMA_ALPHA) * latencyMs;
    }
}
