package dev.switchboard.gateway.resilience;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.switchboard.gateway.access.Settlement;
import dev.switchboard.gateway.telemetry.GatewayMetrics;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * What every client API's reply meters a request with, owned once for all of them: the settlement that closes the
 * request's books, the gateway's metrics (an upstream answer that cannot be relayed is counted there), and how long a
 * stream whose client left after the last content is read on for the upstream's usage.
 */
@Singleton
public class ReplyMetering {

    @Inject
    Settlement settlement;
    @Inject
    GatewayMetrics metrics;

    /** How long a stream whose client left after the finish reason is read on for the upstream's usage. */
    @ConfigProperty(name = "switchboard.metering.usage-drain-ms", defaultValue = "2000")
    long usageDrainMs;

    public Settlement settlement() {
        return settlement;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    public long usageDrainMs() {
        return usageDrainMs;
    }
}
