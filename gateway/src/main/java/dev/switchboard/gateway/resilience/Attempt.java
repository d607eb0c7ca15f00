package dev.switchboard.gateway.resilience;

import org.jboss.logging.Logger;

import dev.switchboard.gateway.access.Permit;
import dev.switchboard.gateway.dialect.Wire;
import dev.switchboard.gateway.record.RequestTrace.AttemptTrace;
import dev.switchboard.gateway.upstream.ChunkedBody;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.gateway.upstream.UpstreamCall;
import dev.switchboard.gateway.upstream.UpstreamFailure;
import dev.switchboard.gateway.upstream.UpstreamListener;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.ModelRoute.Target;
import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * One call to one target, as its {@link Exchange} made it: hears the answer, holds it back until it is known to be
 * good (a whole JSON body, or a stream until its first content), then delivers it to the client or hands the
 * failure back to the exchange, which decides what comes next.
 */
final class Attempt implements UpstreamListener {

    private static final Logger LOG = Logger.getLogger(Attempt.class);
    /** The most a stream may send before its first content (comments, keep-alives, a role-only chunk) while held back. */
    static final int MAX_HELD_BYTES = 64 * 1024;

    private final Exchange exchange;

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

    Attempt(Exchange exchange, ModelRoute route, Target target, UpstreamProvider provider, Operation operation, TargetState state,
            CircuitBreaker.Permit breakerPermit, KeyPool pool, KeyPool.Key key, Permit providerPermit) {
        this.exchange = exchange;
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
        return out == null && (exchange.finished() || settled);
    }

    @Override
    public void onHead(int status, MultiMap headers) {
        if (ignored()) {
            return;
        }
        this.status = status;
        this.headers = headers;
        streaming = exchange.plan.stream() && Wire.isEventStream(status, headers);
        buffered = new ChunkedBody();
        if (streaming) {
            watch = operation == Operation.MESSAGES ? StreamWatch.anthropic() : StreamWatch.openAi();
            // A stream's head is no answer yet: its first content must follow within the first-byte wait.
            contentTimer = exchange.pipeline.vertx.setTimer(Math.max(1, timeouts.firstByteMs()), id -> noContent());
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
            if (exchange.retry.covers(outcome)) {
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
                exchange.finish();
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
        if (outcome == Outcome.SUCCESS || !exchange.retry.covers(outcome)) {
            if (outcome == Outcome.INVALID_RESPONSE) {
                exchange.fail(exchange.errors.of(this));
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
                exchange.finish();
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
        LOG.debugf("request %s: provider %s failed: %s", exchange.plan.requestId(), provider.name(), failure.message());
        this.failure = failure;
        Outcome outcome = Outcome.of(failure);
        verdict(outcome);
        if (exchange.retry.covers(outcome)) {
            failedOver(outcome);
        } else {
            exchange.fail(exchange.errors.of(this));
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
        exchange.record.heldByProvider(providerPermit);
        out = exchange.reply.deliver(served(), call);
        out.onHead(status, headers);
        Buffer held = buffered.buffer();
        buffered = null;
        out.onChunk(held);
    }

    void deliverBuffered() {
        exchange.finish();
        exchange.record.heldByProvider(providerPermit);
        out = exchange.reply.deliver(served(), call);
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
    void sampleLatency(long atNanos) {
        if (!latencySampled && atNanos > 0) {
            latencySampled = true;
            state.firstByteAfter((atNanos - startNanos) / 1e6);
        }
    }

    private void cancelContentTimer() {
        if (contentTimer >= 0) {
            exchange.pipeline.vertx.cancelTimer(contentTimer);
            contentTimer = -1;
        }
    }

    Served served() {
        return new Served(provider.name(), target.model(), route.name(), exchange.attempts(), route != exchange.plan.route() ? route.name() : null, operation);
    }

    /** Settles how the attempt went, once: the target's health, its keys and the metrics hear it (see {@link HealthBookkeeping}). */
    void verdict(Outcome outcome) {
        if (settled) {
            return;
        }
        settled = true;
        cancelContentTimer();
        exchange.ended(this);
        HealthBookkeeping.settle(exchange.pipeline, this, outcome, exchange.budget.deadlineReached());
        // Observers only: the GenAI duration metric (bounded labels: the table's name for the model) and the span.
        exchange.pipeline.genAiMetrics.operationCompleted(operation.name(), provider.type(), target.label(), outcome.name(),
                System.nanoTime() - startNanos);
        trace.ended(outcome.name(), status, outcome == Outcome.SUCCESS ? null : reason());
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

    /** A failure the pipeline acts on: the same target again with another key when only the key was at fault, else the next target. */
    private void failedOver(Outcome outcome) {
        exchange.failedOver(this, (outcome == Outcome.RATE_LIMITED || outcome == Outcome.AUTH_FAILED) && pool.usable(target.model()));
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
            // it produced when the reply closes the books (Settlement.close).
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
