package dev.switchboard.gateway.console;

import java.time.Instant;

import dev.switchboard.gateway.record.RequestRecord;
import io.vertx.core.json.JsonObject;

/**
 * One finished request as the console's Requests page lists it: the access-log fields, copied out of the record so
 * the record itself is not kept. Never a prompt, a completion or a key.
 */
record RequestSummary(Instant at, String requestId, String client, String endpoint, String model, String provider,
        String upstreamModel, int attempts, String fallback, boolean stream, int status, String error, double durationMs,
        Integer promptTokens, Integer completionTokens, Double cost) {

    static RequestSummary of(RequestRecord record, Instant at, long endNanos) {
        String client = record.clientName() != null ? record.clientName() : record.subject();
        return new RequestSummary(at, record.requestId(), client, record.endpoint(), record.model(), record.provider(),
                record.upstreamModelShown(), record.attempts(), record.fallback(), record.stream(), record.status(), record.errorCode(),
                (endNanos - record.startNanos()) / 1e6, record.usage().promptTokens(), record.usage().completionTokens(), record.cost());
    }

    int tokens() {
        return (promptTokens == null ? 0 : promptTokens) + (completionTokens == null ? 0 : completionTokens);
    }

    boolean succeeded() {
        return status >= 200 && status < 400;
    }

    JsonObject toJson() {
        return new JsonObject()
                .put("at", at.toString())
                .put("requestId", requestId)
                .put("client", client)
                .put("endpoint", endpoint)
                .put("model", model)
                .put("provider", provider)
                .put("upstreamModel", upstreamModel)
                .put("attempts", attempts)
                .put("fallback", fallback)
                .put("stream", stream)
                .put("status", status)
                .put("error", error)
                .put("durationMs", Math.round(durationMs * 10) / 10.0)
                .put("promptTokens", promptTokens)
                .put("completionTokens", completionTokens)
                .put("cost", cost);
    }
}
