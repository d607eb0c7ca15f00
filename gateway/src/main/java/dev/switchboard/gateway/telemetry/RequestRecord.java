package dev.switchboard.gateway.telemetry;

import io.vertx.core.json.JsonObject;

/**
 * What the gateway learned about one request, for the access log and metrics. Filled in on the request's
 * event loop as the exchange progresses; it never holds prompt text or keys.
 */
public final class RequestRecord {

    /** Logged for a client that went away before the response was complete (as nginx does). */
    public static final int CLIENT_CLOSED = 499;

    public final String requestId;
    public final String client;
    public final String endpoint;
    public final long startNanos = System.nanoTime();
    /** The client name from the access rules (ApiKeys mode), null for anonymous callers. */
    public String clientName;
    public String model;
    public String provider;
    public String upstreamModel;
    public boolean stream;
    public int status;
    public String errorCode;
    public long firstByteNanos;
    public Integer promptTokens;
    public Integer completionTokens;

    public RequestRecord(String requestId, String client, String endpoint) {
        this.requestId = requestId;
        this.client = client;
        this.endpoint = endpoint;
    }

    public void markFirstByte() {
        if (firstByteNanos == 0) {
            firstByteNanos = System.nanoTime();
        }
    }

    long durationNanos(long endNanos) {
        return endNanos - startNanos;
    }

    JsonObject toLogJson(long endNanos) {
        JsonObject line = new JsonObject().put("type", "access").put("requestId", requestId);
        putIfKnown(line, "client", client);
        putIfKnown(line, "clientName", clientName);
        line.put("endpoint", endpoint);
        putIfKnown(line, "model", model);
        putIfKnown(line, "provider", provider);
        putIfKnown(line, "upstreamModel", upstreamModel);
        line.put("stream", stream)
                .put("status", status)
                .put("durationMs", round((endNanos - startNanos) / 1e6));
        if (firstByteNanos != 0) {
            line.put("firstByteMs", round((firstByteNanos - startNanos) / 1e6));
        }
        putIfKnown(line, "promptTokens", promptTokens);
        putIfKnown(line, "completionTokens", completionTokens);
        putIfKnown(line, "error", errorCode);
        return line;
    }

    /** Absent rather than null: log pipelines index fewer empty fields. */
    private static void putIfKnown(JsonObject line, String field, Object value) {
        if (value != null) {
            line.put(field, value);
        }
    }

    private static double round(double ms) {
        return Math.round(ms * 100) / 100.0;
    }
}
