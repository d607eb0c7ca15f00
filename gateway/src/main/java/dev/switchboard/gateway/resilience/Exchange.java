package dev.switchboard.gateway.resilience;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import dev.switchboard.gateway.access.Permit;
import dev.switchboard.gateway.access.ProviderLimits;
import dev.switchboard.gateway.resilience.AttemptPipeline.Refusal;
import dev.switchboard.gateway.routing.TargetView;
import dev.switchboard.gateway.telemetry.RequestRecord;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.gateway.upstream.Upstream;
import dev.switchboard.gateway.upstream.UpstreamCall;
import dev.switchboard.gateway.upstream.UpstreamFailure;
import dev.switchboard.gateway.upstream.UpstreamListener;
import dev.switchboard.gateway.upstream.UpstreamRequest;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.ModelRoute.Target;
import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * One request going through the pipeline. Every callback runs on the request's event loop, so plain fields
 * suffice. At most one attempt is in flight; {@code finished} turns true once the reply was handed an outcome
 * (a delivered response, a committed stream that ended, or an error), after which late callbacks are ignored.
 */
final class Exchange {

    private static final Logger LOG = Logger.getLogger(Exchange.class);

    private final AttemptPipeline pipeline;
    private final RequestPlan plan;
    private final ClientReply reply;
    private final RequestRecord record;
    private final RetryPolicy retry;
    private final TargetView view;
    private final List<ModelRoute> chain;
    private final long deadlineNanos;
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
    /** A target was skipped because the request body could not be made for it. */
    private boolean unservable;
    /** The shortest wait until a provider that refused by its own limits has room again; MAX_VALUE when none did. */
    private long providerLimitedMs = Long.MAX_VALUE;
    /** The provider, and which of its limits, that refused last: named in the 429 when nothing else was tried. */
    private String providerLimited;

    Exchange(AttemptPipeline pipeline, RequestPlan plan, ClientReply reply, RequestRecord record) {
        this.pipeline = pipeline;
        this.plan = plan;
        this.reply = reply;
        this.record = record;
        this.retry = RetryPolicy.of(plan.table().table().settings());
        this.view = pipeline.view(plan.table(), plan::servable);
        this.chain = plan.chain();
        long deadlineMs = plan.table().table().settings().deadlineMs();
        this.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(deadlineMs);
        this.deadlineTimer = pipeline.vertx.setTimer(deadlineMs, id -> deadlineExpired());
    }

    void start() {
        reply.onClientGone(this::clientGone);
        routes.addAll(chain);
        next();
    }

    private long remainingMs() {
        return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
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
            providerLimitedMs = Math.min(providerLimitedMs, Math.max(1, grant.retryAfterMs()));
            providerLimited = "provider " + provider.name() + " is at its " + grant.limit() + " limit";
            return false;
        }
        if (!state.breaker().tryAcquire()) {
            release(grant, provider, target);
            return false;
        }
        KeyPool.Key key = pool.acquire(target.model());
        if (key == null) {
            state.breaker().release();
            release(grant, provider, target);
            return false;
        }
        AttemptRequest outgoing = plan.body().forAttempt(provider, target);
        if (outgoing == null) {
            // This target cannot take this request (e.g. an operation its provider type lacks): not its fault.
            state.breaker().release();
            release(grant, provider, target);
            unservable = true;
            return false;
        }
        attempts++;
        if (currentRoute != plan.route() && !fallbackCounted) {
            fallbackCounted = true;
            pipeline.metrics.fallback(plan.route().name(), currentRoute.name());
        }
        record.provider = provider.name();
        record.upstreamModel = target.model();
        record.attempts = attempts;
        record.fallback = currentRoute != plan.route() ? currentRoute.name() : null;
        Attempt attempt = new Attempt(currentRoute, target, provider, outgoing.operation(), state, pool, key, grant.permit());
        current = attempt;
        state.started();
        UpstreamRequest request = new UpstreamRequest(outgoing.provider(), key.value(), outgoing.operation(), outgoing.body(),
                plan.stream(), plan.requestId(), capped(provider.timeouts(), remainingMs()));
        attempt.call = upstream.send(request, attempt);
        return true;
    }

    /** Gives back a provider grant that no call used: its request and token reservation return to the account. */
    private static void release(ProviderLimits.Grant grant, UpstreamProvider provider, Target target) {
        if (grant.granted()) {
            grant.permit().settle(null, null, provider.name(), target.model());
        }
    }

    /** The provider's timeouts, none beyond what is left of the request's deadline. */
    private static Timeouts capped(Timeouts timeouts, long remainingMs) {
        long left = Math.max(1, remainingMs);
        return new Timeouts(Math.min(timeouts.connectMs(), left), Math.min(timeouts.firstByteMs(), left),
                Math.min(timeouts.idleMs(), left), Math.min(timeouts.totalMs(), left));
    }

    private void endOfRound() {
        if (attempts == 0) {
            // Every target is refused locally (open breakers, keys cooling down): fail fast instead of waiting.
            refuseAll();
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

    /** The soonest any target of the chain can be tried again: 0 if one can now; open breakers are not waited for. */
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
                }
            }
        }
        return best;
    }

    /** Ends with the last failure: the upstream's own error response when there was one, else a gateway error. */
    private void giveUp() {
        if (lastFailed == null) {
            fail(new ExchangeError(504, "upstream_error", "deadline_exceeded",
                    "No provider answered within the request deadline of " + plan.table().table().settings().deadlineMs() + " ms.", null, null));
        } else if (lastFailed.failure == null && lastFailed.status != 0 && !lastFailed.streaming) {
            lastFailed.deliverBuffered();
        } else {
            fail(lastFailed.error());
        }
    }

    /**
     * No target could even be tried. Keys cooling down after 429s make it a 429 with the time until the first key
     * is back; open breakers make it a 503 with the time until the first breaker lets a probe through.
     */
    private void refuseAll() {
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
                    breakerWait = Math.min(breakerWait, state == null ? Long.MAX_VALUE : state.breaker().millisUntilProbe());
                }
            }
        }
        long rateLimitedWait = Math.min(keyWait, providerLimitedMs);
        if (unservable && rateLimitedWait == Long.MAX_VALUE && breakerWait == Long.MAX_VALUE) {
            fail(new ExchangeError(400, "invalid_request_error", "unsupported_by_targets",
                    "No target of model " + plan.route().name() + " can serve this request.", null, null));
        } else if (unsupportedOnly) {
            UpstreamProvider provider = plan.table().table().provider(plan.route().targets().get(0).provider());
            record.provider = provider.name();
            pipeline.gatewayMetrics.upstreamError(provider.name(), "unsupported");
            fail(ExchangeError.upstream(501, "provider_type_unsupported",
                    "Provider type " + provider.type() + " is not supported by this gateway build yet.", null));
        } else if (rateLimitedWait != Long.MAX_VALUE && rateLimitedWait <= breakerWait) {
            String why = providerLimited != null && providerLimitedMs <= keyWait ? providerLimited
                    : "its provider keys cool down after 429s";
            fail(new ExchangeError(429, "rate_limit_error", "upstream_rate_limited",
                    "Every target of model " + plan.route().name() + " is rate limited (" + why + "); retry later.",
                    seconds(rateLimitedWait), null));
        } else if (quarantined && breakerWait == Long.MAX_VALUE) {
            // Only refused keys are left: the same answer the client got when the provider refused them.
            fail(ExchangeError.upstream(502, "upstream_auth_failed", "Every provider key for model " + plan.route().name()
                    + " was refused by its provider (HTTP 401/403); refused keys are tried again after a quarantine.", null));
        } else {
            fail(new ExchangeError(503, "service_unavailable", "no_healthy_target",
                    "No healthy target for model " + plan.route().name()
                            + ": every circuit breaker is open or every provider key was refused by its provider.",
                    breakerWait == Long.MAX_VALUE ? null : seconds(breakerWait), null));
        }
    }

    private static Long seconds(long millis) {
        return Math.max(1, (millis + 999) / 1000);
    }

    private void fail(ExchangeError error) {
        if (finished) {
            return;
        }
        finish();
        reply.fail(error);
    }

    private void finish() {
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
        if (attempt != null && attempt.out != null) {
            // Committed stream: the reply ends it with an error event.
            attempt.cancelCall();
            attempt.verdict(Outcome.TIMEOUT);
            finish();
            attempt.out.onFailure(failure);
            return;
        }
        if (attempt != null) {
            attempt.cancelCall();
            attempt.failure = failure;
            attempt.verdict(Outcome.TIMEOUT);
            lastFailed = attempt;
        }
        giveUp();
    }

    /** One call to one target. */
    private final class Attempt implements UpstreamListener {

        final ModelRoute route;
        final Target target;
        final UpstreamProvider provider;
        final Operation operation;
        final TargetState state;
        final KeyPool pool;
        final KeyPool.Key key;
        /** The provider-limits permit; settled with the usage when this attempt's answer is delivered, else at once. */
        final Permit providerPermit;
        final long startNanos = System.nanoTime();
        UpstreamCall call;
        int status;
        MultiMap headers;
        Buffer buffered;
        boolean streaming;
        UpstreamFailure failure;
        UpstreamListener out;
        boolean settled;
        boolean firstByteSeen;

        Attempt(ModelRoute route, Target target, UpstreamProvider provider, Operation operation, TargetState state, KeyPool pool,
                KeyPool.Key key, Permit providerPermit) {
            this.route = route;
            this.providerPermit = providerPermit;
            this.target = target;
            this.provider = provider;
            this.operation = operation;
            this.state = state;
            this.pool = pool;
            this.key = key;
        }

        /** Callbacks of an attempt that was not delivered and is over (failed, cancelled, or the request ended). */
        private boolean ignored() {
            return out == null && (finished || settled);
        }

        @Override
        public void onHead(int status, MultiMap headers) {
            if (ignored()) {
                return;
            }
            this.status = status;
            this.headers = headers;
            String contentType = headers.get("content-type");
            streaming = plan.stream() && status / 100 == 2 && contentType != null && contentType.startsWith("text/event-stream");
            if (!streaming) {
                buffered = Buffer.buffer();
            }
        }

        @Override
        public void onChunk(Buffer chunk) {
            if (out != null) {
                if (!settled) {
                    out.onChunk(chunk);
                }
                return;
            }
            if (ignored()) {
                return;
            }
            firstByte();
            if (streaming) {
                commit();
                out.onChunk(chunk);
            } else {
                buffered.appendBuffer(chunk);
            }
        }

        @Override
        public void onEnd() {
            if (out != null) {
                if (!settled) {
                    verdict(Outcome.SUCCESS);
                    finish();
                    out.onEnd();
                }
                return;
            }
            if (ignored()) {
                return;
            }
            firstByte();
            if (streaming) {
                // The stream ended before its first byte: nothing was lost, so another target may serve it.
                failure = new UpstreamFailure(UpstreamFailure.Kind.BROKEN, "the stream ended before any event");
                verdict(Outcome.BROKEN);
                failedOver(Outcome.BROKEN);
                return;
            }
            Outcome outcome = Outcome.ofStatus(status);
            if (outcome == Outcome.SUCCESS && !JsonBodies.isObject(buffered)) {
                outcome = Outcome.INVALID_RESPONSE;
            }
            verdict(outcome);
            if (outcome == Outcome.SUCCESS || !retry.covers(outcome)) {
                if (outcome == Outcome.INVALID_RESPONSE) {
                    fail(error());
                } else {
                    deliverBuffered();
                }
                return;
            }
            failedOver(outcome);
        }

        @Override
        public void onFailure(UpstreamFailure failure) {
            if (out != null) {
                if (!settled) {
                    verdict(Outcome.of(failure));
                    finish();
                    out.onFailure(failure);
                }
                return;
            }
            if (ignored()) {
                return;
            }
            LOG.debugf("request %s: provider %s failed: %s", plan.requestId(), provider.name(), failure.message());
            this.failure = failure;
            Outcome outcome = Outcome.of(failure);
            if (outcome == Outcome.TIMEOUT) {
                // It was at least this slow: LowestLatency should know.
                firstByte();
            }
            verdict(outcome);
            if (retry.covers(outcome)) {
                failedOver(outcome);
            } else {
                fail(error());
            }
        }

        private void firstByte() {
            if (!firstByteSeen) {
                firstByteSeen = true;
                state.firstByteAfter((System.nanoTime() - startNanos) / 1e6);
            }
        }

        /** The stream's first byte arrived: from here on it belongs to the client, whatever happens upstream. */
        private void commit() {
            record.providerPermit = providerPermit;
            out = reply.deliver(served(), call);
            out.onHead(status, headers);
        }

        void deliverBuffered() {
            finish();
            record.providerPermit = providerPermit;
            out = reply.deliver(served(), call);
            out.onHead(status, headers);
            if (buffered.length() > 0) {
                out.onChunk(buffered);
            }
            out.onEnd();
        }

        private Served served() {
            return new Served(provider.name(), target.model(), route.name(), attempts, route != plan.route() ? route.name() : null, operation);
        }

        /** Updates breaker, key and metrics with how the attempt went; once per attempt. */
        void verdict(Outcome outcome) {
            if (settled) {
                return;
            }
            settled = true;
            state.ended();
            if (current == this) {
                current = null;
            }
            pipeline.metrics.attempt(route.name(), provider.name(), outcome);
            if (outcome != Outcome.SUCCESS && out == null) {
                // Not delivered (yet): return the reservation now; a failure relayed later settles again, which is a no-op.
                providerPermit.settle(null, null, provider.name(), target.model());
            }
            if (outcome != Outcome.SUCCESS) {
                pipeline.gatewayMetrics.upstreamError(provider.name(), errorKind(outcome));
            }
            if (outcome.targetFailure()) {
                state.breaker().recordFailure();
            } else if (outcome == Outcome.SUCCESS || outcome == Outcome.CLIENT_ERROR) {
                state.breaker().recordSuccess();
            } else {
                // A rate-limited or refused key says nothing about the target itself.
                state.breaker().release();
            }
            switch (outcome) {
                case SUCCESS -> pool.succeeded(key);
                case RATE_LIMITED -> pool.rateLimited(key, target.model(), RetryAfter.millis(headers == null ? null : headers.get("retry-after")));
                case AUTH_FAILED -> pool.refused(key, status == 403 ? target.model() : null);
                default -> {
                }
            }
        }

        /** The kind label of switchboard_upstream_errors_total. */
        private String errorKind(Outcome outcome) {
            return switch (outcome) {
                case CONNECT_FAILURE -> "connect";
                case AUTH_FAILED -> "auth";
                case TIMEOUT -> failure != null ? "timeout" : "http_4xx";
                case BROKEN, INVALID_RESPONSE -> outcome == Outcome.BROKEN ? "broken" : "invalid_response";
                default -> "http_" + status / 100 + "xx";
            };
        }

        /** A failure the pipeline acts on: the same target again with another key when only the key was at fault, else the next target. */
        private void failedOver(Outcome outcome) {
            lastFailed = this;
            if ((outcome == Outcome.RATE_LIMITED || outcome == Outcome.AUTH_FAILED) && pool.usable(target.model())) {
                candidates.addFirst(target);
            }
            next();
        }

        ExchangeError error() {
            Served served = served();
            String name = provider.name();
            if (failure == null && status / 100 == 2) {
                return ExchangeError.upstream(502, "upstream_invalid_response",
                        "Provider " + name + " returned a response that is not a JSON object.", served);
            }
            Outcome outcome = failure == null ? Outcome.BROKEN : Outcome.of(failure);
            return switch (outcome) {
                case TIMEOUT -> ExchangeError.upstream(504, "upstream_timeout", "Provider " + name + ": " + failure.message() + ".", served);
                case CONNECT_FAILURE -> ExchangeError.upstream(502, "upstream_connect", "Provider " + name + " could not be reached.", served);
                default -> ExchangeError.upstream(502, "upstream_broken",
                        "The connection to provider " + name + " broke before the response was complete.", served);
            };
        }

        void cancelCall() {
            if (call != null) {
                call.cancel();
            }
        }

        /** The client left: stop the call without a verdict on the target. */
        void abandon() {
            cancelCall();
            if (out == null) {
                // Nothing reached the client: the reservation goes back whole. A delivered answer is settled with what
                // it produced when the reply closes the books (Telemetry.finish).
                providerPermit.settle(null, null, provider.name(), target.model());
            }
            if (!settled) {
                settled = true;
                state.ended();
                state.breaker().release();
            }
        }
    }
}
