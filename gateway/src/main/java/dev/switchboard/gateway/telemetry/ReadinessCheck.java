package dev.switchboard.gateway.telemetry;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.gateway.table.RoutingState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Ready only once a valid routing table is served, so a new pod gets no traffic it would answer with 503. */
@Readiness
@ApplicationScoped
public class ReadinessCheck implements HealthCheck {

    @Inject
    RoutingState state;

    @Override
    public HealthCheckResponse call() {
        ActiveTable table = state.current();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("routing-table");
        if (table == null) {
            return builder.down().withData("reason", "no valid routing table loaded yet").build();
        }
        return builder.up()
                .withData("hash", table.hash())
                .withData("loadedAt", table.loadedAt().toString())
                .withData("models", table.table().models().size())
                .build();
    }
}
