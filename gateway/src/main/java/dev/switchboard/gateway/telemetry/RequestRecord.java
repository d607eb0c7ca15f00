package dev.switchboard.gateway.telemetry;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import dev.switchboard.gateway.access.Permit;
import dev.switchboard.gateway.access.TokenEstimate;
import dev.switchboard.gateway.telemetry.tracing.RequestTrace;

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
    /** The subject (sub) of the caller's token, when it authenticated with one. */
    public String subject;
    public String model;
    public String provider;
    /** The type of {@link #provider} (OpenAI, Anthropic...), for the GenAI provider name. */
    public String providerType;
    public String upstreamModel;
    /** What the access log shows for upstreamModel: a name the table knows, or the template a pattern route sent by. */
    public String upstreamModelLabel;
    /** Upstream calls made for this request, the last one included. */
    public int attempts;
    /** The fallback model that served (or was tried last), null when the requested model did. */
    public String fallback;
    public boolean stream;
    public int status;
    public String errorCode;
    public long firstByteNanos;
    public Integer promptTokens;
    /** The part of promptTokens read from the provider's prompt cache, priced at cachedInputPerMillion. */
    public Integer cachedPromptTokens;
    public Integer completionTokens;
    /** The first finish reason the answer carried (stop, length, tool_calls...), null when none was seen. */
    public String finishReason;
    /** The size of the client's request body: the prompt estimate when the upstream never reported usage. */
    public int requestBytes;
    /** Characters of generated content (text, tool names and arguments) relayed to the client so far. */
    public long outputChars;
    /** An upstream's successful answer started to reach the client: what it produced is charged. */
    public boolean answered;
    /** The upstream's final usage arrived (the counts above are its, not the gateway's estimate). */
    public boolean usageReported;
    /** Set when the request ended without the upstream's usage and the counts were estimated (see {@link #estimateMissingUsage}). */
    public boolean usageEstimated;
    /** Fallback models of the requested one this request left out (not allowed for the client, or past their sunset). */
    public String fallbacksSkipped;
    /** Settled in Telemetry.finish: the client's claim on its limits and budget, and the upstream attempt's. */
    public Permit clientPermit;
    public Permit providerPermit;
    /** The request's cost in the pricing currency, once settled. */
    public Double cost;
    /** What the response cache did: hit, miss or bypass; null when the request is not cached. */
    public String cache;
    /** The hooks the request went through and what each decided, as {@code name=outcome,...}. */
    public final StringBuilder hooks = new StringBuilder();
    /** This request's trace; {@link RequestTrace#OFF} unless its table has tracing. */
    public RequestTrace trace = RequestTrace.OFF;

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

    /**
     * A request that was answered but ended without the upstream's usage (the client left, the stream broke or ran
     * out of time, or the upstream never sends usage) is charged what it produced: the counts the upstream did report
     * (Anthropic's input tokens come first), the rest estimated from the request body and the content relayed.
     */
    void estimateMissingUsage() {
        if (cacheHit()) {
            // Served from the cache: no upstream generated anything for it, so it uses no tokens and costs nothing.
            promptTokens = 0;
            completionTokens = 0;
            cachedPromptTokens = null;
            usageReported = true;
            return;
        }
        if (!answered || usageReported) {
            return;
        }
        usageEstimated = true;
        if (promptTokens == null) {
            promptTokens = TokenEstimate.prompt(requestBytes);
        }
        completionTokens = Math.max(completionTokens == null ? 0 : completionTokens, TokenEstimate.text(outputChars));
    }

    public boolean cacheHit() {
        return "hit".equals(cache);
    }

    long durationNanos(long endNanos) {
        return endNanos - startNanos;
    }

    /** The upstream model as logs and views show it: never a name only the request gave (see {@link #upstreamModelLabel}). */
    public String upstreamModelShown() {
        return upstreamModelLabel != null ? upstreamModelLabel : upstreamModel;
    }

    /** The access-log line, written by hand: cheaper than a JSON tree and an ObjectMapper on every request. */
    String toLogLine(long endNanos) {
        StringBuilder line = new StringBuilder(320).append('{');
        field(line, "type", "access");
        field(line, "requestId", requestId);
        field(line, "traceId", trace.traceId());
        field(line, "spanId", trace.spanId());
        field(line, "client", client);
        field(line, "clientName", clientName);
        field(line, "subject", subject);
        field(line, "endpoint", endpoint);
        field(line, "model", model);
        field(line, "provider", provider);
        field(line, "upstreamModel", upstreamModelShown());
        number(line, "attempts", attempts);
        field(line, "fallback", fallback);
        field(line, "fallbacksSkipped", fallbacksSkipped);
        number(line, "stream", stream);
        number(line, "status", status);
        number(line, "durationMs", round((endNanos - startNanos) / 1e6));
        if (firstByteNanos != 0) {
            number(line, "firstByteMs", round((firstByteNanos - startNanos) / 1e6));
        }
        number(line, "promptTokens", promptTokens);
        number(line, "cachedPromptTokens", cachedPromptTokens);
        number(line, "completionTokens", completionTokens);
        if (!hooks.isEmpty()) {
            field(line, "hooks", hooks.toString());
        }
        field(line, "cache", cache);
        if (usageEstimated) {
            number(line, "usageEstimated", true);
        }
        number(line, "cost", cost);
        field(line, "error", errorCode);
        line.setCharAt(line.length() - 1, '}');
        return line.toString();
    }

    /** Unknown fields are left out rather than null: log pipelines index fewer empty fields. */
    private static void field(StringBuilder line, String name, String value) {
        if (value != null) {
            line.append('"').append(name).append("\":\"");
            JsonStringEncoder.getInstance().quoteAsString(value, line);
            line.append("\",");
        }
    }

    private static void number(StringBuilder line, String name, Object value) {
        if (value != null) {
            line.append('"').append(name).append("\":").append(value).append(',');
        }
    }

    private static double round(double ms) {
        return Math.round(ms * 100) / 100.0;
    }
}
