package dev.switchboard.gateway.telemetry;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.record.Usage;

/** The access-log line of a request, written by hand: cheaper than a JSON tree and an ObjectMapper on every request. */
final class AccessLogLine {

    private AccessLogLine() {
    }

    static String of(RequestRecord record, long endNanos) {
        Usage usage = record.usage();
        StringBuilder line = new StringBuilder(512).append('{');
        field(line, "type", "access");
        field(line, "requestId", record.requestId());
        field(line, "traceId", record.trace().traceId());
        field(line, "spanId", record.trace().spanId());
        field(line, "client", record.client());
        field(line, "clientName", record.clientName());
        field(line, "subject", record.subject());
        field(line, "endpoint", record.endpoint());
        field(line, "model", record.model());
        field(line, "provider", record.provider());
        field(line, "upstreamModel", record.upstreamModelShown());
        number(line, "attempts", record.attempts());
        field(line, "fallback", record.fallback());
        field(line, "fallbacksSkipped", record.fallbacksSkipped());
        number(line, "stream", record.stream());
        number(line, "status", record.status());
        number(line, "durationMs", round((endNanos - record.startNanos()) / 1e6));
        if (record.firstByteNanos() != 0) {
            number(line, "firstByteMs", round((record.firstByteNanos() - record.startNanos()) / 1e6));
        }
        number(line, "promptTokens", usage.promptTokens());
        number(line, "cachedPromptTokens", usage.cachedPromptTokens());
        number(line, "completionTokens", usage.completionTokens());
        if (usage.isEstimated()) {
            number(line, "usageEstimated", true);
        }
        field(line, "hooks", record.hooks());
        field(line, "cache", record.cache());
        number(line, "cost", record.cost());
        field(line, "error", record.errorCode());
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

    private static void number(StringBuilder line, String name, Integer value) {
        if (value != null) {
            number(line, name, value.intValue());
        }
    }

    private static void number(StringBuilder line, String name, Double value) {
        if (value != null) {
            number(line, name, value.doubleValue());
        }
    }

    // Primitives are appended as they are: no boxing, no string per number.
    private static void number(StringBuilder line, String name, long value) {
        line.append('"').append(name).append("\":").append(value).append(',');
    }

    private static void number(StringBuilder line, String name, double value) {
        line.append('"').append(name).append("\":").append(value).append(',');
    }

    private static void number(StringBuilder line, String name, boolean value) {
        line.append('"').append(name).append("\":").append(value).append(',');
    }

    private static double round(double ms) {
        return Math.round(ms * 100) / 100.0;
    }
}
