package dev.switchboard.gateway.resilience;

/**
 * What an attempt's outcome tells the gateway about its target, once per attempt: the circuit breaker, the key pool,
 * the target's own state (busy count, latency for LowestLatency, a 503's Retry-After), the provider-limits
 * reservation of an answer that never reached the client, and the attempt and error metrics.
 */
final class HealthBookkeeping {

    private HealthBookkeeping() {
    }

    /**
     * Books the outcome. A timeout that ran out with the request's deadline ({@code deadlineReached}) is the
     * request's: the target may be healthy but slow, so its breaker does not count it.
     */
    static void settle(AttemptPipeline pipeline, Attempt attempt, Outcome outcome, boolean deadlineReached) {
        attempt.state.ended();
        pipeline.metrics.attempt(attempt.route.name(), attempt.provider.name(), outcome);
        if (outcome != Outcome.SUCCESS && attempt.out == null) {
            // Not delivered (yet): return the reservation now; a failure relayed later settles again, which is a no-op.
            attempt.providerPermit.settle(null, null, attempt.provider.name(), attempt.target.model());
        }
        if (outcome != Outcome.SUCCESS) {
            pipeline.gatewayMetrics.upstreamError(attempt.provider.name(), errorKind(attempt, outcome));
        }
        boolean deadlineCut = outcome == Outcome.TIMEOUT && deadlineReached;
        if (outcome == Outcome.SUCCESS) {
            attempt.sampleLatency(attempt.firstByteNanos);
        } else if (outcome == Outcome.TIMEOUT && !deadlineCut) {
            // It was at least this slow: LowestLatency should know.
            attempt.sampleLatency(System.nanoTime());
        }
        if (outcome.targetFailure() && !deadlineCut) {
            attempt.breakerPermit.failure();
        } else if (outcome == Outcome.SUCCESS || outcome == Outcome.CLIENT_ERROR) {
            attempt.breakerPermit.success();
        } else {
            // A rate-limited or refused key says nothing about the target itself, nor does the request's deadline.
            attempt.breakerPermit.release();
        }
        KeyPool pool = attempt.pool;
        switch (outcome) {
            case SUCCESS -> pool.succeeded(attempt.key);
            case RATE_LIMITED -> pool.rateLimited(attempt.key, attempt.target.model(),
                    RetryAfter.millis(attempt.headers == null ? null : attempt.headers.get("retry-after")));
            // The target as a whole asked for time: honoured like a 429's, for every key.
            case SERVER_ERROR -> attempt.state.unavailableFor(attempt.status == 503 ? RetryAfter.millis(attempt.headers.get("retry-after")) : 0);
            case AUTH_FAILED -> pool.refused(attempt.key, attempt.status == 403 ? attempt.target.model() : null);
            default -> {
            }
        }
    }

    /** The kind label of switchboard_upstream_errors_total. */
    static String errorKind(Attempt attempt, Outcome outcome) {
        if (attempt.watch != null && attempt.watch.errored()) {
            return "stream_error";
        }
        return switch (outcome) {
            case CONNECT_FAILURE -> "connect";
            case AUTH_FAILED -> "auth";
            case TIMEOUT -> attempt.failure != null ? "timeout" : "http_4xx";
            case BROKEN, INVALID_RESPONSE -> outcome == Outcome.BROKEN ? "broken" : "invalid_response";
            case TOO_LARGE -> "too_large";
            default -> "http_" + attempt.status / 100 + "xx";
        };
    }
}
