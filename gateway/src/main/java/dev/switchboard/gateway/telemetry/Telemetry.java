package dev.switchboard.gateway.telemetry;

import org.jboss.logging.Logger;

import dev.switchboard.gateway.record.RequestObserver;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.telemetry.genai.GenAiMetrics;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** What a finished request leaves behind here: its metrics, GenAI metrics, the end of its trace and one access-log line. */
@Singleton
public class Telemetry implements RequestObserver {

    /**
     * A dedicated category, with its own handler and without the root's: operators can silence it or add handlers of
     * their own (see application.properties).
     */
    private static final Logger ACCESS = Logger.getLogger("switchboard.access");

    @Inject
    GatewayMetrics metrics;
    @Inject
    GenAiMetrics genAi;

    private AccessLogWriter writer;

    @PostConstruct
    void start() {
        writer = new AccessLogWriter();
        java.util.logging.Logger.getLogger(ACCESS.getName()).addHandler(writer);
    }

    @PreDestroy
    void stop() {
        java.util.logging.Logger.getLogger(ACCESS.getName()).removeHandler(writer);
        writer.close();
    }

    @Override
    public void requestFinished(RequestRecord record, long end) {
        metrics.requestCompleted(record, end);
        genAi.requestCompleted(record.endpoint(), record.providerType(), record.model(), record.upstreamModelShown(), record.stream(),
                record.status(), record.usage().promptTokens(), record.usage().completionTokens(), record.startNanos(),
                record.firstByteNanos(), end);
        record.trace().finish(record);
        if (ACCESS.isInfoEnabled()) {
            ACCESS.info(AccessLogLine.of(record, end));
        }
    }
}
