package dev.switchboard.gateway.resilience;

import java.util.function.LongSupplier;

import dev.switchboard.routing.PolicySettings;

/**
 * The circuit breaker of one target. Closed, it opens after {@code consecutiveFailures} failures in a row, or
 * when the failure ratio over the window reaches {@code failureRateThreshold} (with at least
 * {@link #MIN_CALLS_FOR_RATE} calls in the window, so two failures out of three calls do not open it). Open, it
 * refuses every call for {@code openForMs}; then it turns half-open and lets up to {@code halfOpenProbes} calls
 * through at once. That many successes close it; one failure opens it again for another period.
 * <p>
 * A call takes a {@link Permit} and answers it with its verdict. Each change of state starts a new epoch, and a
 * permit answers only for the epoch it was given in: a call admitted while closed that ends after the breaker
 * opened or turned half-open says nothing about the target as it is now, so it neither counts as a probe nor
 * frees a probe's slot.
 * <p>
 * Shared by the event loops, hence synchronized; every method is a few field updates.
 */
public final class CircuitBreaker {

    public enum State {
        CLOSED(0), OPEN(1), HALF_OPEN(2);

        public final int gauge;

        State(int gauge) {
            this.gauge = gauge;
        }
    }

    static final int MIN_CALLS_FOR_RATE = 10;
    private static final int BUCKETS = 10;

    /** Leave to make one call; answered exactly once, by {@link #success}, {@link #failure} or {@link #release}. */
    public final class Permit {
        private final long epoch;
        private final boolean probe;
        private boolean answered;

        private Permit(long epoch, boolean probe) {
            this.epoch = epoch;
            this.probe = probe;
        }

        /** The target answered (a client error counts: the target itself is fine). */
        public void success() {
            answer(this, Verdict.SUCCESS);
        }

        /** The target failed the call. */
        public void failure() {
            answer(this, Verdict.FAILURE);
        }

        /** Given back without a verdict on the target (the client went away, only the key was at fault). */
        public void release() {
            answer(this, Verdict.NONE);
        }
    }

    private enum Verdict {
        SUCCESS, FAILURE, NONE
    }

    private final LongSupplier clock;
    private PolicySettings.CircuitBreaker settings;
    private State state = State.CLOSED;
    /** Advanced by every change of state; a permit counts only within the epoch it was given in. */
    private long epoch;
    private int consecutiveFailures;
    private long openedAt;
    private int probesInFlight;
    private int probeSuccesses;
    private long lastFailureAt = -1;
    private final long[] bucketStart = new long[BUCKETS];
    private final int[] bucketCalls = new int[BUCKETS];
    private final int[] bucketFailures = new int[BUCKETS];

    public CircuitBreaker(PolicySettings.CircuitBreaker settings, LongSupplier clockMillis) {
        this.settings = settings;
        this.clock = clockMillis;
    }

    /** A reload may change the settings; the state (open, counts) is kept. */
    synchronized void configure(PolicySettings.CircuitBreaker next) {
        this.settings = next;
    }

    public synchronized State state() {
        if (state == State.OPEN && clock.getAsLong() - openedAt >= settings.openForMs()) {
            return State.HALF_OPEN;
        }
        return state;
    }

    /** Whether a call may be tried now, without taking a permit (for planning). */
    public synchronized boolean available() {
        return switch (state()) {
            case CLOSED -> true;
            case OPEN -> false;
            case HALF_OPEN -> probesInFlight < settings.halfOpenProbes();
        };
    }

    /** Takes a permit for one call, or null when the breaker refuses it. */
    public synchronized Permit tryAcquire() {
        State now = state();
        if (now == State.OPEN) {
            return null;
        }
        if (now == State.HALF_OPEN) {
            if (state == State.OPEN) {
                state = State.HALF_OPEN;
                epoch++;
                probesInFlight = 0;
                probeSuccesses = 0;
            }
            if (probesInFlight >= settings.halfOpenProbes()) {
                return null;
            }
            probesInFlight++;
            return new Permit(epoch, true);
        }
        return new Permit(epoch, false);
    }

    private synchronized void answer(Permit permit, Verdict verdict) {
        if (permit.answered) {
            return;
        }
        permit.answered = true;
        if (permit.epoch != epoch) {
            // Given before the breaker last changed state: it speaks for a target that has been judged since.
            return;
        }
        if (permit.probe) {
            probesInFlight = Math.max(0, probesInFlight - 1);
        }
        switch (verdict) {
            case SUCCESS -> succeeded(permit.probe);
            case FAILURE -> failed();
            case NONE -> {
            }
        }
    }

    private void succeeded(boolean probe) {
        long now = clock.getAsLong();
        count(now, false);
        consecutiveFailures = 0;
        if (probe && ++probeSuccesses >= settings.halfOpenProbes()) {
            state = State.CLOSED;
            epoch++;
            clearWindow();
        }
    }

    private void failed() {
        long now = clock.getAsLong();
        lastFailureAt = now;
        count(now, true);
        consecutiveFailures++;
        if (state == State.HALF_OPEN) {
            open(now);
        } else if (state == State.CLOSED && (consecutiveFailures >= settings.consecutiveFailures() || rateExceeded(now))) {
            open(now);
        }
    }

    /** Milliseconds until an open breaker lets a probe through; 0 when it would now. */
    public synchronized long millisUntilProbe() {
        if (state != State.OPEN) {
            return 0;
        }
        return Math.max(0, openedAt + settings.openForMs() - clock.getAsLong());
    }

    /** Epoch-style clock value of the last failure, or -1. */
    public synchronized long lastFailureAt() {
        return lastFailureAt;
    }

    public synchronized int consecutiveFailures() {
        return consecutiveFailures;
    }

    /** Half-open probes admitted in the current epoch and not answered yet; a permit never answered would hold one forever. */
    public synchronized int probesInFlight() {
        return probesInFlight;
    }

    private void open(long now) {
        state = State.OPEN;
        epoch++;
        openedAt = now;
        probesInFlight = 0;
        probeSuccesses = 0;
    }

    private void count(long now, boolean failure) {
        long width = Math.max(1, settings.windowMs() / BUCKETS);
        long start = now - Math.floorMod(now, width);
        int i = (int) Math.floorMod(now / width, (long) BUCKETS);
        if (bucketStart[i] != start) {
            bucketStart[i] = start;
            bucketCalls[i] = 0;
            bucketFailures[i] = 0;
        }
        bucketCalls[i]++;
        if (failure) {
            bucketFailures[i]++;
        }
    }

    private boolean rateExceeded(long now) {
        Double threshold = settings.failureRateThreshold();
        if (threshold == null) {
            return false;
        }
        int calls = 0;
        int failures = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (now - bucketStart[i] < settings.windowMs()) {
                calls += bucketCalls[i];
                failures += bucketFailures[i];
            }
        }
        return calls >= MIN_CALLS_FOR_RATE && failures >= threshold * calls;
    }

    private void clearWindow() {
        java.util.Arrays.fill(bucketCalls, 0);
        java.util.Arrays.fill(bucketFailures, 0);
    }
}
