package dev.switchboard.gateway.telemetry;

import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.gateway.table.RoutingState;
import io.vertx.core.json.JsonObject;
import io.quarkus.vertx.http.ManagementInterface;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * GET /q/switchboard/config on the management port: which table this pod serves, for the operator to compare with
 * what it wrote.
 */
@ApplicationScoped
public class ConfigRoute {

    static final String PATH = "/q/switchboard/config";

    @Inject
    RoutingState state;

    void register(@Observes ManagementInterface management) {
        management.router().get(PATH).handler(ctx -> {
            ActiveTable table = state.current();
            JsonObject body = table == null
                    ? new JsonObject().putNull("hash").putNull("loadedAt")
                    : new JsonObject().put("hash", table.hash()).put("loadedAt", table.loadedAt().toString());
            ctx.response().setStatusCode(table == null ? 503 : 200)
                    .putHeader("content-type", "application/json")
                    .end(body.encode());
        });
    }
}
