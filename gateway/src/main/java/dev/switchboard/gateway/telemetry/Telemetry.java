package dev.switchboard.gateway.telemetry;

import org.jboss.logging.Logger;

import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/** Closes the books on a request: one access-log line and its metrics. */
@Singleton
public class Telemetry {

    /** A dedicated category so operators can route access logs separately (see application.properties). */
    private static final Logger ACCESS = Logger.getLogger("switchboard.access");

    @Inject
    GatewayMetrics metrics;

    public void finish(RequestRecord record) {
        long end = System.nanoTime();
        metrics.requestCompleted(record, end);
        if (ACCESS.isInfoEnabled()) {
            ACCESS.info(record.toLogLine(end));
        }
    }
}
