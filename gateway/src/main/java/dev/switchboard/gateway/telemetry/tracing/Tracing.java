package dev.switchboard.gateway.telemetry.tracing;

import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.switchboard.gateway.record.RequestTrace;
import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.gateway.table.RoutingState;
import dev.switchboard.routing.PolicySettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Opens each request's trace with the tracer its table's settings call for. Tracing is per routing table, so it
 * reloads with it: the first request on a table whose tracing settings differ from the running ones builds a new
 * {@link PolicyTracer} and retires the old one, which is shut down (its queued spans flushed) once the requests
 * that may still be using it have run out of their deadline. A table without tracing gets {@link RequestTrace#OFF}.
 */
@Singleton
public class Tracing {

    private static final Logger LOG = Logger.getLogger(Tracing.class);

    @Inject
    RoutingState state;
    @Inject
    Vertx vertx;

    /** How long finished spans wait in the batch before they are exported. */
    @ConfigProperty(name = "switchboard.tracing.batch-delay-ms", defaultValue = "2000")
    long batchDelayMs;

    private volatile PolicyTracer current;

    /**
     * The trace of a request served with {@code table}: a server span continuing the caller's W3C trace context,
     * or {@link RequestTrace#OFF} when the table has no tracing.
     */
    public RequestTrace start(ActiveTable table, HttpServerRequest request, String endpoint, String requestId) {
        PolicySettings.Tracing config = table.table().settings().tracing();
        PolicyTracer tracer = current;
        if (config == null) {
            if (tracer != null) {
                switchTo(table, null);
            }
            return RequestTrace.OFF;
        }
        if (tracer == null || (tracer.config != config && !tracer.config.equals(config))) {
            tracer = switchTo(table, config);
            if (tracer == null) {
                return RequestTrace.OFF;
            }
        }
        return SpanRequestTrace.start(tracer, request.headers(), request.path(), endpoint, requestId);
    }

    /**
     * Makes {@code config} (null: none) the running settings when {@code table} is the one being served; a request
     * that started on the previous table just before a reload gets whatever runs now instead of switching back.
     */
    private synchronized PolicyTracer switchTo(ActiveTable table, PolicySettings.Tracing config) {
        PolicyTracer running = current;
        if (table != state.current()) {
            return running;
        }
        if (running == null ? config == null : running.config.equals(config)) {
            return running;
        }
        PolicyTracer next = config == null ? null : PolicyTracer.create(config, table.table().settings().deadlineMs(), batchDelayMs);
        current = next;
        if (running != null) {
            // Requests of the old table may still end spans on it; none outlives the table's deadline.
            long graceMs = Math.max(running.deadlineMs, table.table().settings().deadlineMs()) + batchDelayMs;
            vertx.setTimer(graceMs, id -> running.shutdown());
        }
        LOG.infof("tracing %s", config == null ? "off" : "to " + config.endpoint() + " (" + config.protocol() + ", sampling ratio "
                + config.samplingRatio() + ")");
        return next;
    }

    /** On shutdown the last spans are flushed, within a bound so a collector that is gone cannot hold the pod up. */
    @PreDestroy
    void flush() {
        PolicyTracer running = current;
        if (running != null) {
            running.shutdown().join(5, TimeUnit.SECONDS);
        }
    }
}
