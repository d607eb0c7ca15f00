package dev.switchboard.gateway.record;

import java.util.Map;

import io.vertx.core.buffer.Buffer;

/**
 * What the request path tells the trace of one request: the narrow seam between the gateway and OpenTelemetry.
 * The front opens it ({@code Tracing.start}), the attempt pipeline reports attempts, refusals and fallbacks, and
 * {@code Telemetry} closes it, once the request is settled, with what the request record learned. {@link #OFF}, the trace of a table
 * without tracing, does nothing at all, so an untraced request pays for one field read per call.
 * <p>
 * Every method runs on the request's event loop.
 */
public interface RequestTrace {

    RequestTrace OFF = new RequestTrace() {
    };

    /** An attempt goes to a provider: its span starts, as a child of the request's. */
    default AttemptTrace attempt(String provider, String providerType, String upstreamModel, String keyFingerprint, String operation,
            int number) {
        return AttemptTrace.OFF;
    }

    /** A target was passed over without a call: its circuit breaker is open, its keys cool down, or its provider's limits refuse. */
    default void refused(String provider, String upstreamModel, String reason) {
    }

    /** The requested model's targets are exhausted and a fallback model is tried. */
    default void fallback(String from, String to) {
    }

    /** The client's request body, recorded only when the policy opted in to content. */
    default void prompt(Buffer body) {
    }

    /** A whole (not streamed) answer as the client got it, recorded only when the policy opted in to content. */
    default void completion(Buffer body) {
    }

    /** The request is over: the server span gets what the record learned and ends. */
    default void finish(RequestRecord record) {
    }

    /** The trace id for the access log, null when the request is not traced. */
    default String traceId() {
        return null;
    }

    /** The server span's id for the access log, null when the request is not traced. */
    default String spanId() {
        return null;
    }

    /** One upstream call's span. */
    interface AttemptTrace {

        AttemptTrace OFF = new AttemptTrace() {
        };

        /** The W3C headers (traceparent, tracestate) that make the upstream's work part of this attempt's trace. */
        default Map<String, String> headers() {
            return Map.of();
        }

        /** A stream's first content arrived from the provider. */
        default void firstToken() {
        }

        /**
         * The attempt is over: {@code outcome} as the pipeline classified it (SUCCESS, RATE_LIMITED, TIMEOUT...), the
         * upstream's HTTP status (0 when none came) and, for a failure, why the pipeline moved on.
         */
        default void ended(String outcome, int status, String reason) {
        }
    }
}
