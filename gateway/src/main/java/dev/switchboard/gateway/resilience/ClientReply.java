package dev.switchboard.gateway.resilience;

import dev.switchboard.gateway.upstream.UpstreamCall;
import dev.switchboard.gateway.upstream.UpstreamListener;

/**
 * The client-facing side of an exchange: renders in the caller's API format (OpenAI today, Anthropic Messages
 * next) what the {@link AttemptPipeline} decided to deliver. The pipeline decides which upstream response
 * reaches the client and when; the reply decides how it is written. Exactly one of {@link #deliver} or
 * {@link #fail} is called, at most once.
 */
public interface ClientReply {

    /**
     * The pipeline chose this upstream response. The returned listener receives it from the start: the head
     * (status and headers, possibly an upstream error the pipeline will not retry), the chunks (OpenAI JSON or
     * OpenAI SSE), then {@code onEnd} or, for a stream that breaks after it was committed, {@code onFailure}.
     * {@code call} lets the reply apply backpressure; cancelling on client disconnect is the pipeline's job
     * (see {@link #onClientGone}).
     */
    UpstreamListener deliver(Served served, UpstreamCall call);

    /** No upstream response will be delivered: answer with this error. */
    void fail(ExchangeError error);

    /** Registers what to do when the client goes away before the reply is complete (stop the upstream, stop retrying). */
    void onClientGone(Runnable action);
}
