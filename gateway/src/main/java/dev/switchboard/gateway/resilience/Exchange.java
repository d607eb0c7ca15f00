package dev.switchboard.gateway.resilience;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import org.jboss.logging.Logger;

import dev.switchboard.gateway.access.Permit;
import dev.switchboard.gateway.access.ProviderLimits;
import dev.switchboard.gateway.resilience.AttemptPipeline.Refusal;
import dev.switchboard.gateway.routing.TargetView;
import dev.switchboard.gateway.telemetry.RequestRecord;
import dev.switchboard.gateway.telemetry.tracing.RequestTrace.AttemptTrace;
import dev.switchboard.gateway.upstream.ChunkedBody;
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
    /** The most a stream may send before its first content (comments, keep-alives, a role-only chunk) while held back. */
    static final int MAX_HELD_BYTES = 64 * 1024;

    private final AttemptPipeline pipeline;
    private final RequestPlan plan;
    private final ClientReply reply;
    private final RequestRecord record;
    private final RetryPolicy retry;
    private final TargetView view;
    private final List<ModelRoute> chain;
    private final AttemptBudget budget;
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
        this.budget = new AttemptBudget(deadlineMs);
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
            providerLimitedMs = Math.min(providerLimitedMs, Math.max(1, grant.retryAfterMs()));
            providerLimited = "provider " + provider.name() + " is at its " + grant.limit() + " limit";
            record.trace.refused(provider.name(), target.model(), "provider_limit");
            return false;
        }
        CircuitBreaker.Permit permit = state.breaker().tryAcquire();
        if (permit == null) {
            release(grant, provider, target);
            record.trace.refused(provider.name(), target.model(), "circuit_open");
            return false;
        }
        KeyPool.Key key = pool.acquire(target.model());
        if (key == null) {
            permit.release();
            release(grant, provider, target);
            record.trace.refused(provider.name(), target.model(), "no_usable_key");
            return false;
        }
        AttemptRequest outgoing = plan.body().forAttempt(provider, target);
        if (outgoing == null) {
            // This target cannot take this request (e.g. an operation its provider type lacks): not its fault.
            permit.release();
            release(grant, provider, target);
            unservable = true;
            return false;
        }
        attempts++;
        if (currentRoute != plan.route() && !fallbackCounted) {
            fallbackCounted = true;
            pipeline.metrics.fallback(plan.route().name(), currentRoute.name());
            record.trace.fallback(plan.route().name(), currentRoute.name());
        }
        record.provider = provider.name();
        record.providerType = provider.type();
        record.upstreamModel = target.model();
        record.attempts = attempts;
        record.fallback = currentRoute != plan.route() ? currentRoute.name() : null;
        Attempt attempt = new Attempt(currentRoute, target, provider, outgoing.operation(), state, permit, pool, key, grant.permit());
        current = attempt;
        state.started();
        attempt.timeouts = budget.forAttempt(provider.timeouts(), othersWaiting());
        attempt.trace = record.trace.attempt(provider.name(), provider.type(), target.model(), key.fingerprint(), outgoing.operation().name(),
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
            fail(new ExchangeError(504, "upstream_error", "deadline_exceeded",
                    "No provider answered within the request deadline of " + plan.table().table().settings().deadlineMs() + " ms.", null, null));
        } else if (lastFailed.answered()) {
            lastFailed.deliverBuffered();
        } else {
            fail(lastFailed.error());
        }
    }

    /**
     * No target could even be tried. Keys cooling down after 429s make it a 429 with the time until the first key
     * is back; open breakers, and targets that answered 503 with Retry-After, make it a 503 with the time until the
     * first breaker lets a probe through or the first Retry-After has passed.
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
                    long wait = state == null ? Long.MAX_VALUE
                            : refusal == Refusal.RETRY_AFTER ? state.millisUntilAvailable() : state.breaker().millisUntilProbe();
                    breakerWait = Math.min(breakerWait, wait);
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
                            + ": every circuit breaker is open, or every target answered 503 with a Retry-After that has not"
                            + " passed, or every provider key was refused by its provider.",
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

    /** One call to one target. */
    private final class Attempt implements UpstreamListener {

        final ModelRoute route;
        final Target target;
        final UpstreamProvider provider;
        final Operation operation;
        final TargetState state;
        final CircuitBreaker.Permit breakerPermit;
        final KeyPool pool;
        final KeyPool.Key key;
        /** The provider-limits permit; settled with the usage when this attempt's answer is delivered, else at once. */
        final Permit providerPermit;
        final long startNanos = System.nanoTime();
        UpstreamCall call;
        /** This attempt's waits: the provider's, within its share of the deadline (see {@link AttemptBudget}). */
        Timeouts timeouts;
        int status;
        MultiMap headers;
        /** The answer held back until it is known to be good: a whole JSON body, or a stream until its first content. */
        ChunkedBody buffered;
        boolean streaming;
        /** Reads a stream for content, its terminator and error events; null when not streaming. */
        StreamWatch watch;
        long contentTimer = -1;
        long firstByteNanos;
        boolean latencySampled;
        UpstreamFailure failure;
        UpstreamListener out;
        boolean settled;
        /** This attempt's span in the request's trace (AttemptTrace.OFF when the table has no tracing). */
        AttemptTrace trace = AttemptTrace.OFF;

        Attempt(ModelRoute route, Target target, UpstreamProvider provider, Operation operation, TargetState state,
                CircuitBreaker.Permit breakerPermit, KeyPool pool, KeyPool.Key key, Permit providerPermit) {
            this.breakerPermit = breakerPermit;
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
            buffered = new ChunkedBody();
            if (streaming) {
                watch = operation == Operation.MESSAGES ? StreamWatch.anthropic() : StreamWatch.openAi();
                // A stream's head is no answer yet: its first content must follow within the first-byte wait.
                contentTimer = pipeline.vertx.setTimer(Math.max(1, timeouts.firstByteMs()), id -> noContent());
            }
        }

        @Override
        public void onChunk(Buffer chunk) {
            if (out != null) {
                if (!settled) {
                    watch.feed(chunk);
                    out.onChunk(chunk);
                }
                return;
            }
            if (ignored()) {
                return;
            }
            if (firstByteNanos == 0) {
                firstByteNanos = System.nanoTime();
            }
            buffered.append(chunk);
            if (!streaming) {
                return;
            }
            watch.feed(chunk);
            // An error even after content in the same read fails over: nothing of it has reached the client.
            if (watch.errored()) {
                cancelCall();
                Outcome outcome = watch.errorOutcome();
                verdict(outcome);
                if (retry.covers(outcome)) {
                    failedOver(outcome);
                } else {
                    deliverBuffered();
                }
            } else if (watch.content() || watch.terminated()) {
                commit();
            } else if (buffered.length() > MAX_HELD_BYTES) {
                cancelCall();
                failed(new UpstreamFailure(UpstreamFailure.Kind.BROKEN, "the stream sent " + buffered.length() + " bytes without content"));
            }
        }

        @Override
        public void onEnd() {
            if (out != null) {
                if (!settled) {
                    verdict(watch == null ? Outcome.SUCCESS : watch.outcome());
                    finish();
                    out.onEnd();
                }
                return;
            }
            if (ignored()) {
                return;
            }
            if (firstByteNanos == 0) {
                firstByteNanos = System.nanoTime();
            }
            if (streaming) {
                // The stream ended before any content: nothing was lost, so another target may serve it.
                failure = new UpstreamFailure(UpstreamFailure.Kind.BROKEN, "the stream ended before any content");
                verdict(Outcome.BROKEN);
                failedOver(Outcome.BROKEN);
                return;
            }
            Outcome outcome = Outcome.ofStatus(status);
            if (outcome == Outcome.SUCCESS && !JsonBodies.isAnswer(buffered.buffer(), operation)) {
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
                    this.failure = failure;
                    verdict(Outcome.of(failure));
                    finish();
                    out.onFailure(failure);
                }
                return;
            }
            if (ignored()) {
                return;
            }
            failed(failure);
        }

        /** The stream's head came but no content within the first-byte wait: it fails like a first-byte timeout. */
        private void noContent() {
            contentTimer = -1;
            if (out == null && !ignored()) {
                cancelCall();
                failed(new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, "no content within " + timeouts.firstByteMs() + " ms"));
            }
        }

        /** The attempt failed before anything was delivered: move on when the retry conditions cover it. */
        private void failed(UpstreamFailure failure) {
            LOG.debugf("request %s: provider %s failed: %s", plan.requestId(), provider.name(), failure.message());
            this.failure = failure;
            Outcome outcome = Outcome.of(failure);
            verdict(outcome);
            if (retry.covers(outcome)) {
                failedOver(outcome);
            } else {
                fail(error());
            }
        }

        /**
         * The provider answered (an error status, or a stream that began with an error event): its answer may go to the
         * client as it came. A 2xx that failed is no such answer: it was unreadable (see {@link JsonBodies}), and the
         * client gets the gateway's typed error instead.
         */
        boolean answered() {
            return failure == null && status != 0 && (streaming ? watch.errored() : status / 100 != 2);
        }

        /** A stream's first content arrived: from here on it belongs to the client, whatever happens upstream. */
        private void commit() {
            cancelContentTimer();
            sampleLatency(System.nanoTime());
            trace.firstToken();
            record.providerPermit = providerPermit;
            out = reply.deliver(served(), call);
            out.onHead(status, headers);
            Buffer held = buffered.buffer();
            buffered = null;
            out.onChunk(held);
        }

        void deliverBuffered() {
            finish();
            record.providerPermit = providerPermit;
            out = reply.deliver(served(), call);
            out.onHead(status, headers);
            if (buffered.length() > 0) {
                out.onChunk(buffered.buffer());
            }
            out.onEnd();
        }

        /**
         * Time to first byte for LowestLatency, from answers that served only: an error that comes fast must not
         * make its target look fast. For a stream it is the time to its first content.
         */
        private void sampleLatency(long atNanos) {
            if (!latencySampled && atNanos > 0) {
                latencySampled = true;
                state.firstByteAfter((atNanos - startNanos) / 1e6);
            }
        }

        private void cancelContentTimer() {
            if (contentTimer >= 0) {
                pipeline.vertx.cancelTimer(contentTimer);
                contentTimer = -1;
            }
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
            cancelContentTimer();
            state.ended();
            if (current == this) {
                current = null;
            }
            pipeline.metrics.attempt(route.name(), provider.name(), outcome);
            pipeline.genAiMetrics.operationCompleted(operation.name(), provider.type(), target.model(), outcome.name(), System.nanoTime() - startNanos);
            trace.ended(outcome.name(), status, outcome == Outcome.SUCCESS ? null : reason());
            if (outcome != Outcome.SUCCESS && out == null) {
                // Not delivered (yet): return the reservation now; a failure relayed later settles again, which is a no-op.
                providerPermit.settle(null, null, provider.name(), target.model());
            }
            if (outcome != Outcome.SUCCESS) {
                pipeline.gatewayMetrics.upstreamError(provider.name(), errorKind(outcome));
            }
            // A timeout that ran out with the request's deadline is the request's: the target may be healthy but slow.
            boolean deadlineCut = outcome == Outcome.TIMEOUT && budget.deadlineReached();
            if (outcome == Outcome.SUCCESS) {
                sampleLatency(firstByteNanos);
            } else if (outcome == Outcome.TIMEOUT && !deadlineCut) {
                // It was at least this slow: LowestLatency should know.
                sampleLatency(System.nanoTime());
            }
            if (outcome.targetFailure() && !deadlineCut) {
                breakerPermit.failure();
            } else if (outcome == Outcome.SUCCESS || outcome == Outcome.CLIENT_ERROR) {
                breakerPermit.success();
            } else {
                // A rate-limited or refused key says nothing about the target itself, nor does the request's deadline.
                breakerPermit.release();
            }
            switch (outcome) {
                case SUCCESS -> pool.succeeded(key);
                case RATE_LIMITED -> pool.rateLimited(key, target.model(), RetryAfter.millis(headers == null ? null : headers.get("retry-after")));
                // The target as a whole asked for time: honoured like a 429's, for every key.
                case SERVER_ERROR -> state.unavailableFor(status == 503 ? RetryAfter.millis(headers.get("retry-after")) : 0);
                case AUTH_FAILED -> pool.refused(key, status == 403 ? target.model() : null);
                default -> {
                }
            }
        }

        /** Why the attempt failed, for its span: the failure, the stream's error event or the provider's status. */
        private String reason() {
            if (failure != null) {
                return failure.message();
            }
            if (watch != null && watch.errored()) {
                return "the stream sent an error event";
            }
            return status != 0 ? "the provider answered HTTP " + status : null;
        }

        /** The kind label of switchboard_upstream_errors_total. */
        private String errorKind(Outcome outcome) {
            if (watch != null && watch.errored()) {
                return "stream_error";
            }
            return switch (outcome) {
                case CONNECT_FAILURE -> "connect";
                case AUTH_FAILED -> "auth";
                case TIMEOUT -> failure != null ? "timeout" : "http_4xx";
                case BROKEN, INVALID_RESPONSE -> outcome == Outcome.BROKEN ? "broken" : "invalid_response";
                case TOO_LARGE -> "too_large";
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
                        "Provider " + name + " returned a response that is not a JSON object"
                                + (operation == Operation.MESSAGES ? " with a list of content blocks." : "."), served);
            }
            Outcome outcome = failure == null ? Outcome.BROKEN : Outcome.of(failure);
            return switch (outcome) {
                case TIMEOUT -> ExchangeError.upstream(504, "upstream_timeout", "Provider " + name + ": " + failure.message() + ".", served);
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
                cancelContentTimer();
                state.ended();
                breakerPermit.release();
                trace.ended("CANCELLED", status, "the client went away");
            }
        }
    }
}
