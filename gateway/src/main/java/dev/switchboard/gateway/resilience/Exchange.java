package dev.switchboard.gateway.resilience;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import dev.switchboard.gateway.access.ProviderLimits;
import dev.switchboard.gateway.resilience.AttemptPipeline.Refusal;
import dev.switchboard.gateway.routing.TargetView;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.upstream.Upstream;
import dev.switchboard.gateway.upstream.UpstreamFailure;
import dev.switchboard.gateway.upstream.UpstreamRequest;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.ModelRoute.Target;
import dev.switchboard.routing.UpstreamProvider;
import io.vertx.core.Future;

/**
 * One request going through the pipeline: the candidates in order, fallbacks, retry rounds with backoff, all within
 * one deadline, each try an {@link Attempt}. What an attempt's outcome does to the target's health is
 * {@link HealthBookkeeping}'s; which error ends the request is {@link ExchangeErrors}'. Every callback runs on the
 * request's event loop, so plain fields suffice. At most one attempt is in flight; {@code finished} turns true once
 * the reply was handed an outcome (a delivered response, a committed stream that ended, or an error), after which
 * late callbacks are ignored.
 */
final class Exchange {

    final AttemptPipeline pipeline;
    final RequestPlan plan;
    final ClientReply reply;
    final RequestRecord record;
    final RetryPolicy retry;
    final AttemptBudget budget;
    final ExchangeErrors errors;
    private final TargetView view;
    private final List<ModelRoute> chain;
    private final Deque<ModelRoute> routes = new ArrayDeque<>();
    private Deque<Target> candidates = new ArrayDeque<>();
    private ModelRoute currentRoute;
    private int round;
    private int attempts;
    private boolean fallbackCounted;
    private Attempt current;
    private Attempt lastFailed;
    private long backoffTimer = -1;
    private long deadlineTimer = -1;
    private boolean finished;

    Exchange(AttemptPipeline pipeline, RequestPlan plan, ClientReply reply, RequestRecord record) {
        this.pipeline = pipeline;
        this.plan = plan;
        this.reply = reply;
        this.record = record;
        this.retry = RetryPolicy.of(plan.table().table().settings());
        this.view = pipeline.view(plan.table(), plan::servable);
        this.chain = plan.chain();
        long deadlineMs = plan.table().table().settings().deadlineMs();
        this.budget = new AttemptBudget(deadlineMs);
        this.errors = new ExchangeErrors(pipeline, plan, record);
        this.deadlineTimer = pipeline.vertx.setTimer(deadlineMs, id -> deadlineExpired());
    }

    void start() {
        reply.onClientGone(this::clientGone);
        routes.addAll(chain);
        next();
    }

    private long remainingMs() {
        return budget.remainingMs();
    }

    /** Tries candidates until one is under way; at the end of a round, retries or gives up. */
    private void next() {
        if (finished) {
            return;
        }
        Target target;
        while ((target = nextCandidate()) != null) {
            if (remainingMs() <= 0) {
                giveUp();
                return;
            }
            if (tryAttempt(target)) {
                return;
            }
        }
        endOfRound();
    }

    private Target nextCandidate() {
        while (candidates.isEmpty()) {
            ModelRoute route = routes.poll();
            if (route == null) {
                return null;
            }
            currentRoute = route;
            candidates = new ArrayDeque<>(pipeline.selector.order(route, plan.table().table().settings().strategy(), view, plan.sessionKey()));
        }
        return candidates.poll();
    }

    /** Whether another candidate could be tried after the one about to be: then the attempt must leave it time. */
    private boolean othersWaiting() {
        if (!candidates.isEmpty()) {
            return true;
        }
        for (ModelRoute route : routes) {
            for (Target target : route.targets()) {
                if (view.available(target)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Starts an attempt on the target, or waits for the provider's limits to answer (shared counters answer
     * asynchronously); false when the target is refused locally (then the next candidate is tried).
     */
    private boolean tryAttempt(Target target) {
        UpstreamProvider provider = plan.table().table().provider(target.provider());
        Upstream upstream = provider == null ? null : pipeline.upstreams.forType(provider.type());
        TargetState state = pipeline.health.target(target);
        KeyPool pool = provider == null ? null : pipeline.health.keys(provider.name());
        if (upstream == null || state == null || pool == null) {
            return false;
        }
        Future<ProviderLimits.Grant> grant = pipeline.providerLimits.tryAcquire(plan.table(), provider, plan.estimatedTokens());
        if (grant.isComplete()) {
            return launch(target, provider, upstream, state, pool, grant.result());
        }
        grant.onSuccess(granted -> {
            if (finished) {
                release(granted, provider, target);
            } else if (!launch(target, provider, upstream, state, pool, granted)) {
                next();
            }
        });
        return true;
    }

    /** Sends the attempt once the provider's limits granted it; false when something refuses it locally. */
    private boolean launch(Target target, UpstreamProvider provider, Upstream upstream, TargetState state, KeyPool pool,
            ProviderLimits.Grant grant) {
        if (!grant.granted()) {
            // The provider's account is at one of its limits: skip it like an unavailable target.
            errors.providerLimited(provider, grant);
            record.trace().refused(provider.name(), target.label(), "provider_limit");
            return false;
        }
        CircuitBreaker.Permit permit = state.breaker().tryAcquire();
        if (permit == null) {
            release(grant, provider, target);
            record.trace().refused(provider.name(), target.label(), "circuit_open");
            return false;
        }
        KeyPool.Key key = pool.acquire(target.model());
        if (key == null) {
            permit.release();
            release(grant, provider, target);
            record.trace().refused(provider.name(), target.label(), "no_usable_key");
            return false;
        }
        AttemptRequest outgoing = plan.body().forAttempt(provider, target);
        if (outgoing == null) {
            // This target cannot take this request (e.g. an operation its provider type lacks): not its fault.
            permit.release();
            release(grant, provider, target);
            errors.unservable();
            return false;
        }
        attempts++;
        if (currentRoute != plan.route() && !fallbackCounted) {
            fallbackCounted = true;
            pipeline.metrics.fallback(plan.route().name(), currentRoute.name());
            record.trace().fallback(plan.route().name(), currentRoute.name());
        }
        record.attempting(provider.name(), provider.type(), target.model(), target.label(), attempts,
                currentRoute != plan.route() ? currentRoute.name() : null);
        Attempt attempt = new Attempt(this, currentRoute, target, provider, outgoing.operation(), state, permit, pool, key, grant.permit());
        current = attempt;
        state.started();
        attempt.timeouts = budget.forAttempt(provider.timeouts(), othersWaiting());
        attempt.trace = record.trace().attempt(provider.name(), provider.type(), target.label(), key.fingerprint(), outgoing.operation().name(),
                attempts);
        UpstreamRequest request = new UpstreamRequest(outgoing.provider(), key.value(), outgoing.operation(), outgoing.body(),
                plan.stream(), plan.requestId(), attempt.timeouts, plan.table().table().settings().responseLimit(), attempt.trace.headers());
        attempt.call = upstream.send(request, attempt);
        return true;
    }

    /** Gives back a provider grant that no call used: its request and token reservation return to the account. */
    private static void release(ProviderLimits.Grant grant, UpstreamProvider provider, Target target) {
        if (grant.granted()) {
            grant.permit().settle(null, null, provider.name(), target.model());
        }
    }

    private void endOfRound() {
        if (attempts == 0) {
            // Every target is refused locally (open breakers, keys cooling down): fail fast instead of waiting.
            fail(errors.noneTried(chain));
            return;
        }
        if (round < retry.rounds() && lastFailed != null) {
            long availableIn = millisUntilAnyAvailable();
            if (availableIn != Long.MAX_VALUE) {
                long wait = retry.backoffMs(round + 1, availableIn);
                if (wait < remainingMs()) {
                    round++;
                    backoffTimer = pipeline.vertx.setTimer(Math.max(1, wait), id -> {
                        backoffTimer = -1;
                        routes.addAll(chain);
                        next();
                    });
                    return;
                }
            }
        }
        giveUp();
    }

    /**
     * The soonest any target of the chain can be tried again: 0 if one can now; keys cooling down after 429s and
     * targets that answered 503 with Retry-After are waited for, open breakers are not.
     */
    private long millisUntilAnyAvailable() {
        long best = Long.MAX_VALUE;
        for (ModelRoute route : chain) {
            for (Target target : route.targets()) {
                if (!plan.servable(target)) {
                    continue;
                }
                Refusal refusal = pipeline.refusal(plan.table(), target);
                if (refusal == null) {
                    return 0;
                }
                if (refusal == Refusal.NO_KEY) {
                    best = Math.min(best, pipeline.health.keys(target.provider()).millisUntilUsable(target.model()));
                } else if (refusal == Refusal.RETRY_AFTER) {
                    best = Math.min(best, pipeline.health.target(target).millisUntilAvailable());
                }
            }
        }
        return best;
    }

    /** Ends with the last failure: the upstream's own error response when there was one, else a gateway error. */
    private void giveUp() {
        if (lastFailed == null) {
            fail(errors.deadlineExceeded());
        } else if (lastFailed.answered()) {
            lastFailed.deliverBuffered();
        } else {
            fail(errors.of(lastFailed));
        }
    }

    /** The exchange is over: late callbacks of its attempts are ignored. */
    boolean finished() {
        return finished;
    }

    /** How many attempts were made so far (the one in flight included). */
    int attempts() {
        return attempts;
    }

    /** The attempt is settled: it is no longer the one the deadline or the client's leaving would stop. */
    void ended(Attempt attempt) {
        if (current == attempt) {
            current = null;
        }
    }

    /**
     * An attempt failed in a way the retry conditions cover: the next candidate is tried, first the same target again
     * with another key when only the key was at fault.
     */
    void failedOver(Attempt attempt, boolean sameTargetAgain) {
        lastFailed = attempt;
        if (sameTargetAgain) {
            candidates.addFirst(attempt.target);
        }
        next();
    }

    void fail(ExchangeError error) {
        if (finished) {
            return;
        }
        finish();
        reply.fail(error);
    }

    void finish() {
        finished = true;
        pipeline.vertx.cancelTimer(deadlineTimer);
        if (backoffTimer >= 0) {
            pipeline.vertx.cancelTimer(backoffTimer);
        }
    }

    private void clientGone() {
        if (finished) {
            return;
        }
        finish();
        if (current != null) {
            current.abandon();
        }
    }

    private void deadlineExpired() {
        if (finished) {
            return;
        }
        Attempt attempt = current;
        UpstreamFailure failure = new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT,
                "request deadline of " + plan.table().table().settings().deadlineMs() + " ms exceeded");
        if (attempt != null) {
            attempt.cancelCall();
            attempt.failure = failure;
            attempt.verdict(Outcome.TIMEOUT);
            if (attempt.out != null) {
                // Committed stream: the reply ends it with an error event.
                finish();
                attempt.out.onFailure(failure);
                return;
            }
            lastFailed = attempt;
        }
        giveUp();
    }
}
