package dev.switchboard.gateway.resilience;

import java.util.concurrent.ThreadLocalRandom;

import dev.switchboard.routing.PolicySettings;

/**
 * settings.retry as the pipeline applies it. Moving on to another target is not a retry; a retry is another
 * round over the targets after every one of them failed or was unavailable, after a backoff.
 */
public record RetryPolicy(int rounds, long backoffBaseMs, long backoffMaxMs, java.util.List<String> on) {

    public static RetryPolicy of(PolicySettings settings) {
        PolicySettings.Retry retry = settings.retry();
        return new RetryPolicy(retry.attempts(), retry.backoffBaseMs(), retry.backoffMaxMs(), retry.on());
    }

    /** Whether the pipeline acts on this outcome (fails over and retries) rather than handing it to the client. */
    public boolean covers(Outcome outcome) {
        return outcome == Outcome.AUTH_FAILED || (outcome.retryClass() != null && on.contains(outcome.retryClass()));
    }

    /**
     * Delay before retry round {@code round} (1 = first retry): exponential from the base, capped, with "equal
     * jitter" (half fixed, half random) so clients that failed together do not return together. A Retry-After
     * longer than that wins: retrying earlier would only meet the same refusal.
     */
    public long backoffMs(int round, long retryAfterMs) {
        long exponential = backoffBaseMs << Math.min(round - 1, 30);
        long capped = Math.min(backoffMaxMs, exponential < 0 ? backoffMaxMs : exponential);
        long half = capped / 2;
        long jittered = half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0);
        return Math.max(jittered, retryAfterMs);
    }
}
