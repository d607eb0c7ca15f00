package dev.switchboard.gateway.resilience;

import java.util.List;

import dev.switchboard.gateway.access.ProviderLimits;
import dev.switchboard.gateway.resilience.AttemptPipeline.Refusal;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.ModelRoute.Target;
import dev.switchboard.routing.UpstreamProvider;

/**
 * The error decisions of one exchange: which error a client gets when an attempt failed with nothing to relay, when
 * the deadline passed, or when no target could even be tried. It tallies what the exchange met on the way (a
 * provider at its own limits, a target no body could be made for), so the last answer names the right cause.
 */
final class ExchangeErrors {

    private final AttemptPipeline pipeline;
    private final RequestPlan plan;
    private final RequestRecord record;
    /** A target was skipped because the request body could not be made for it. */
    private boolean unservable;
    /** The shortest wait until a provider that refused by its own limits has room again; MAX_VALUE when none did. */
    private long providerLimitedMs = Long.MAX_VALUE;
    /** The provider, and which of its limits, that refused last: named in the 429 when nothing else was tried. */
    private String providerLimited;

    ExchangeErrors(AttemptPipeline pipeline, RequestPlan plan, RequestRecord record) {
        this.pipeline = pipeline;
        this.plan = plan;
        this.record = record;
    }

    /** The provider's account refused the attempt at one of its limits. */
    void providerLimited(UpstreamProvider provider, ProviderLimits.Grant grant) {
        providerLimitedMs = Math.min(providerLimitedMs, Math.max(1, grant.retryAfterMs()));
        providerLimited = "provider " + provider.name() + " is at its " + grant.limit() + " limit";
    }

    /** A target was skipped because no request body could be made for it (see UpstreamBody). */
    void unservable() {
        unservable = true;
    }

    /** No provider answered within the deadline, and none failed in a way worth telling. */
    ExchangeError deadlineExceeded() {
        return new ExchangeError(504, "upstream_error", "deadline_exceeded",
                "No provider answered within the request deadline of " + plan.table().table().settings().deadlineMs() + " ms.", null, null);
    }

    /** A failed attempt that left no answer to relay: what went wrong, naming the provider (never its address). */
    ExchangeError of(Attempt attempt) {
        Served served = attempt.served();
        String name = attempt.provider.name();
        if (attempt.failure == null && attempt.status / 100 == 2) {
            return ExchangeError.upstream(502, "upstream_invalid_response",
                    "Provider " + name + " returned a response that is not a JSON object"
                            + (attempt.operation == Operation.MESSAGES ? " with a list of content blocks." : "."), served);
        }
        Outcome outcome = attempt.failure == null ? Outcome.BROKEN : Outcome.of(attempt.failure);
        return switch (outcome) {
            case TIMEOUT -> ExchangeError.upstream(504, "upstream_timeout", "Provider " + name + ": " + attempt.failure.message() + ".", served);
            case CONNECT_FAILURE -> ExchangeError.upstream(502, "upstream_connect", "Provider " + name + " could not be reached.", served);
            case INVALID_RESPONSE -> ExchangeError.upstream(502, "upstream_invalid_response",
                    "Provider " + name + " returned a response that could not be read.", served);
            case TOO_LARGE -> ExchangeError.upstream(502, "upstream_response_too_large", "Provider " + name + " answered with more than "
                    + plan.table().table().settings().responseLimit()
                    + " bytes, the limit for answers the gateway holds whole (RoutingPolicy spec.defaults.maxResponseBodyBytes).", served);
            default -> ExchangeError.upstream(502, "upstream_broken",
                    "The connection to provider " + name + " broke before the response was complete.", served);
        };
    }

    /**
     * No target of the chain could even be tried. Keys cooling down after 429s make it a 429 with the time until the
     * first key is back; open breakers, and targets that answered 503 with Retry-After, make it a 503 with the time
     * until the first breaker lets a probe through or the first Retry-After has passed.
     */
    ExchangeError noneTried(List<ModelRoute> chain) {
        long keyWait = Long.MAX_VALUE;
        long breakerWait = Long.MAX_VALUE;
        boolean quarantined = false;
        boolean unsupportedOnly = true;
        for (ModelRoute route : chain) {
            for (Target target : route.targets()) {
                Refusal refusal = pipeline.refusal(plan.table(), target);
                if (refusal == Refusal.UNSUPPORTED || !plan.servable(target)) {
                    continue;
                }
                unsupportedOnly = false;
                if (refusal == null) {
                    // Admitted, then skipped because no body could be made for it (see UpstreamBody).
                    continue;
                }
                if (refusal == Refusal.NO_KEY) {
                    long wait = pipeline.health.keys(target.provider()).millisUntilUsable(target.model());
                    quarantined |= wait == Long.MAX_VALUE;
                    keyWait = Math.min(keyWait, wait);
                } else {
                    TargetState state = pipeline.health.target(target);
                    long wait = state == null ? Long.MAX_VALUE
                            : refusal == Refusal.RETRY_AFTER ? state.millisUntilAvailable() : state.breaker().millisUntilProbe();
                    breakerWait = Math.min(breakerWait, wait);
                }
            }
        }
        long rateLimitedWait = Math.min(keyWait, providerLimitedMs);
        if (unservable && rateLimitedWait == Long.MAX_VALUE && breakerWait == Long.MAX_VALUE) {
            return new ExchangeError(400, "invalid_request_error", "unsupported_by_targets",
                    "No target of model " + plan.route().name() + " can serve this request.", null, null);
        } else if (unsupportedOnly) {
            UpstreamProvider provider = plan.table().table().provider(plan.route().targets().get(0).provider());
            record.refusedBy(provider.name());
            pipeline.gatewayMetrics.upstreamError(provider.name(), "unsupported");
            return ExchangeError.upstream(501, "provider_type_unsupported",
                    "Provider type " + provider.type() + " is not supported by this gateway build yet.", null);
        } else if (rateLimitedWait != Long.MAX_VALUE && rateLimitedWait <= breakerWait) {
            String why = providerLimited != null && providerLimitedMs <= keyWait ? providerLimited
                    : "its provider keys cool down after 429s";
            return new ExchangeError(429, "rate_limit_error", "upstream_rate_limited",
                    "Every target of model " + plan.route().name() + " is rate limited (" + why + "); retry later.",
                    seconds(rateLimitedWait), null);
        } else if (quarantined && breakerWait == Long.MAX_VALUE) {
            // Only refused keys are left: the same answer the client got when the provider refused them.
            return ExchangeError.upstream(502, "upstream_auth_failed", "Every provider key for model " + plan.route().name()
                    + " was refused by its provider (HTTP 401/403); refused keys are tried again after a quarantine.", null);
        }
        return new ExchangeError(503, "service_unavailable", "no_healthy_target",
                "No healthy target for model " + plan.route().name()
                        + ": every circuit breaker is open, or every target answered 503 with a Retry-After that has not"
                        + " passed, or every provider key was refused by its provider.",
                breakerWait == Long.MAX_VALUE ? null : seconds(breakerWait), null);
    }

    private static Long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }
}
