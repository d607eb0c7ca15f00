package dev.switchboard.gateway.resilience;

import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.gateway.table.RoutingState;
import io.quarkus.vertx.http.ManagementInterface;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * GET /q/switchboard/targets on the management port: read-only view of circuit breakers (state, consecutive failures, in-flight calls,
 * latency) and key health (by fingerprint) of the table being served. No key values, no addresses.
 */
@ApplicationScoped
public class TargetsRoute {

    static final String PATH = "/q/switchboard/targets";

    @Inject
    RoutingState state;
    @Inject
    TargetHealth health;

    void register(@Observes ManagementInterface management) {
        management.router().get(PATH).handler(ctx -> {
            ActiveTable table = state.current();
            if (table != null) {
                health.sync(table);
            }
            ctx.response().putHeader("content-type", "application/json").end(health.snapshot().encode());
        });
    }
}
