package dev.switchboard.gateway.cli;

import java.util.List;

import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.RoutingTable;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What `render --resolve` prints: for each public name, the route the gateway takes for it (the model's name, or the
 * pattern that matched) and the upstream name each target is sent, or that the name is not served.
 */
final class ResolvedRoutes {

    private ResolvedRoutes() {
    }

    static String describe(RoutingTable table, List<String> names) {
        JsonArray resolved = new JsonArray();
        for (String name : names) {
            ModelRoute route = table.model(name);
            JsonObject entry = new JsonObject().put("model", name);
            if (route == null) {
                resolved.add(entry.put("served", false));
                continue;
            }
            JsonArray targets = new JsonArray();
            route.targets().forEach(target -> targets.add(new JsonObject().put("provider", target.provider()).put("model", target.model())
                    .put("weight", target.weight()).put("priority", target.priority())));
            resolved.add(entry.put("served", true).put("route", route.name()).put("pattern", route.servesPattern())
                    .put("strategy", route.strategy()).put("targets", targets).put("fallbacks", new JsonArray(route.fallbacks())));
        }
        return resolved.encodePrettily() + "\n";
    }
}
