package dev.switchboard.gateway.resilience;

import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.gateway.table.RoutingState;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * GET /q/switchboard/targets: read-only view of circuit breakers (state, consecutive failures, in-flight calls,
 * latency) and key health (by fingerprint) of the table being served. No key values, no addresses.
 */
@ApplicationScoped
public class TargetsRoute {

    static final String PATH = "/q/switchboard/targets";

    @Inject
    RoutingState state;
    @Inject
    TargetHealth health;

    void register(@Observes Router router) {
        router.get(PATH).handler(ctx -> {
            ActiveTable table = state.current();
            if (table != null) {
                health.sync(table);
            }
            ctx.response().putHeader("content-type", "application/json").end(health.snapshot().encode());
        });
    }
}
