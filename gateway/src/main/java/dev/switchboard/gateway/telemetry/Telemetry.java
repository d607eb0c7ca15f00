package dev.switchboard.gateway.telemetry;

import org.jboss.logging.Logger;

import dev.switchboard.gateway.console.ConsoleFeed;
import dev.switchboard.gateway.telemetry.genai.GenAiMetrics;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/**
 * Closes the books on a request: its usage completed by an estimate when the upstream never reported it, its limits
 * and budget settled, one access-log line, its metrics and its entry in the console.
 */
@Singleton
public class Telemetry {

    /** A dedicated category so operators can route access logs separately (see application.properties). */
    private static final Logger ACCESS = Logger.getLogger("switchboard.access");

    @Inject
    GatewayMetrics metrics;
    @Inject
    GenAiMetrics genAi;
    @Inject
    ConsoleFeed console;

    public void finish(RequestRecord record) {
        long end = System.nanoTime();
        record.estimateMissingUsage();
        if (record.providerPermit != null) {
            record.providerPermit.settle(record.promptTokens, record.cachedPromptTokens, record.completionTokens, record.provider,
                    record.upstreamModel);
        }
        if (record.clientPermit != null) {
            record.cost = record.clientPermit.settle(record.promptTokens, record.cachedPromptTokens, record.completionTokens,
                    record.provider, record.upstreamModel);
        }
        metrics.requestCompleted(record, end);
        genAi.requestCompleted(record.endpoint, record.providerType, record.model, record.upstreamModelShown(), record.stream, record.status,
                record.promptTokens, record.completionTokens, record.startNanos, record.firstByteNanos, end);
        record.trace.finish(record);
        console.requestFinished(record, end);
        if (ACCESS.isInfoEnabled()) {
            ACCESS.info(record.toLogLine(end));
        }
    }
}
