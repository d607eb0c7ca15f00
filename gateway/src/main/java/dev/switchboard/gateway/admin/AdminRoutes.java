package dev.switchboard.gateway.admin;

import java.util.ArrayList;
import java.util.List;

import dev.switchboard.gateway.access.AccessControl;
import dev.switchboard.gateway.access.CounterStore;
import dev.switchboard.gateway.access.Quota;
import dev.switchboard.gateway.access.SharedCounters;
import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.routing.AccessRules.ClientRule;
import dev.switchboard.routing.RoutingTableCodec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * `/admin/v1/*` on the management port, behind {@link AdminGuard}: the loaded routing table (it holds secret file paths, never values) and
 * each client's usage and remaining budget. Read-only.
 */
@ApplicationScoped
public class AdminRoutes {

    @Inject
    AdminGuard guard;
    @Inject
    AccessControl access;
    @Inject
    SharedCounters counters;

    void register(@Observes ManagementInterface management) {
        management.router().get("/admin/v1/table").handler(guard.protect(this::table));
        management.router().get("/admin/v1/usage").handler(guard.protect(this::usage));
    }

    private void table(RoutingContext ctx) {
        ActiveTable table = AdminGuard.table(ctx);
        JsonObject body = new JsonObject()
                .put("hash", table.hash())
                .put("loadedAt", table.loadedAt().toString())
                .put("table", new JsonObject(io.vertx.core.buffer.Buffer.buffer(RoutingTableCodec.toJson(table.table()))));
        json(ctx, body);
    }

    private void usage(RoutingContext ctx) {
        ActiveTable table = AdminGuard.table(ctx);
        List<ClientRule> clients = table.table().access() == null ? List.of() : table.table().access().clients();
        List<Future<CounterStore.Usage>> usages = new ArrayList<>();
        clients.forEach(client -> usages.add(access.usage(table, client)));
        Future.join(usages).onComplete(done -> {
            Boolean redisUp = counters.redisUp(table);
            JsonArray list = new JsonArray();
            for (int i = 0; i < clients.size(); i++) {
                Future<CounterStore.Usage> usage = usages.get(i);
                list.add(client(clients.get(i), access.quotaOf(clients.get(i)), usage.succeeded() ? usage.result() : null));
            }
            json(ctx, new JsonObject()
                    .put("store", redisUp == null ? "local" : "redis")
                    .put("redisUp", redisUp)
                    .put("day", access.dayPeriodNow())
                    .put("month", access.monthPeriodNow())
                    .put("clients", list));
        });
    }

    /** Limits as configured, and what is left of them now; budgets in the providers' pricing currency. */
    private static JsonObject client(ClientRule client, Quota quota, CounterStore.Usage usage) {
        JsonObject json = new JsonObject().put("name", client.name()).put("team", client.team());
        if (quota == null) {
            return json.put("limited", false);
        }
        json.put("limited", true);
        if (usage == null) {
            return json.put("error", "counters unavailable");
        }
        JsonObject limits = new JsonObject();
        if (quota.requestsPerMinute() > 0) {
            limits.put("requestsPerMinute", new JsonObject().put("limit", quota.requestsPerMinute()).put("remaining", usage.remainingRequests()));
        }
        if (quota.tokensPerMinute() > 0) {
            limits.put("tokensPerMinute", new JsonObject().put("limit", quota.tokensPerMinute()).put("remaining", Math.max(0, usage.remainingTokens())));
        }
        if (quota.maxConcurrency() > 0) {
            limits.put("maxConcurrency", new JsonObject().put("limit", quota.maxConcurrency()).put("inFlight", usage.inFlight()));
        }
        json.put("limits", limits);
        JsonObject budget = new JsonObject();
        if (quota.perDay() > 0) {
            budget.put("day", period(quota.perDay(), usage.spentDay()));
        }
        if (quota.perMonth() > 0) {
            budget.put("month", period(quota.perMonth(), usage.spentMonth()));
        }
        return json.put("budget", budget);
    }

    private static JsonObject period(double limit, double spent) {
        return new JsonObject().put("limit", limit).put("spent", spent).put("remaining", Math.max(0, limit - spent));
    }

    private static void json(RoutingContext ctx, JsonObject body) {
        ctx.response().putHeader("content-type", "application/json").end(body.encodePrettily());
    }
}
