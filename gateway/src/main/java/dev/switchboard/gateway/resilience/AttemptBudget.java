package dev.switchboard.gateway.resilience;

import java.util.concurrent.TimeUnit;

import dev.switchboard.routing.UpstreamProvider.Timeouts;

/**
 * How much of the request's one deadline an attempt may spend. Every timeout of an attempt is cut to what is left
 * of the deadline. While another candidate (a target of the model or of a fallback) is still waiting, the waits for
 * a connection and for the first byte are also cut to half of what is left: a target that never answers then takes
 * at most half the time, and the rest stays for the candidates after it. The last candidate may wait for all that
 * is left. A provider's own shorter timeouts apply as they are.
 * <p>
 * It also tells a timeout the request's deadline caused from one the target caused: the attempt's timeouts run
 * out with the deadline only when the deadline cut them, and that says nothing about the target.
 */
final class AttemptBudget {

    /**
     * How close to the deadline a timeout counts as the deadline's: the attempt's timeouts are cut to whole
     * milliseconds left, so they may fire a little before the deadline's own timer.
     */
    static final long DEADLINE_SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final long deadlineNanos;

    AttemptBudget(long deadlineMs) {
        this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMs);
    }

    long remainingMs() {
        return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    }

    /** The timeouts of an attempt starting now; {@code othersWaiting} when another candidate could still be tried after it. */
    Timeouts forAttempt(Timeouts provider, boolean othersWaiting) {
        long left = Math.max(1, remainingMs());
        long waitForAnswer = othersWaiting ? Math.max(1, left / 2) : left;
        return new Timeouts(Math.min(provider.connectMs(), waitForAnswer), Math.min(provider.firstByteMs(), waitForAnswer),
                Math.min(provider.idleMs(), left), Math.min(provider.totalMs(), left));
    }

    /** Whether a timeout reported now ran out with the request's deadline rather than with a wait of the attempt's own. */
    boolean deadlineReached() {
        return System.nanoTime() >= deadlineNanos - DEADLINE_SLACK_NANOS;
    }
}
