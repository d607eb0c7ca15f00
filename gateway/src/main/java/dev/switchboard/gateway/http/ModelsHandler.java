package dev.switchboard.gateway.http;

import java.util.function.Consumer;

import dev.switchboard.gateway.access.ClientKeys.Caller;
import dev.switchboard.gateway.access.identity.Authenticator;
import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.front.RequestIds;
import dev.switchboard.gateway.routing.Deprecations;
import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.gateway.table.RoutingState;
import dev.switchboard.routing.ModelRoute;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/**
 * GET /v1/models and /v1/models/{id}: the public names and aliases of the loaded table that the caller may use,
 * never upstream names; for a pattern group, the names it is known to serve. Models past their sunset date are gone
 * from both.
 */
@Singleton
public class ModelsHandler {

    static final String OWNER = "switchboard";

    @Inject
    RoutingState state;
    @Inject
    Deprecations deprecations;
    @Inject
    Authenticator authenticator;

    /** The table a models request is answered from, and who asks. */
    private record Admitted(ActiveTable table, Caller caller) {
    }

    /** Answers with the error when no table is loaded yet or the caller's key or token is not accepted; else goes on. */
    private void admit(RoutingContext ctx, Consumer<Admitted> next) {
        RequestIds.assign(ctx);
        ActiveTable table = state.current();
        if (table == null) {
            ApiError.notReady().send(ctx);
            return;
        }
        authenticator.authenticate(table, ctx.request().headers()).onSuccess(authentication -> {
            if (!authentication.admitted()) {
                authentication.denial().headers().forEach(ctx.response()::putHeader);
                ApiError.of(authentication.denial()).send(ctx);
                return;
            }
            next.accept(new Admitted(table, authentication.caller()));
        });
    }

    void list(RoutingContext ctx) {
        admit(ctx, admitted -> list(ctx, admitted));
    }

    private void list(RoutingContext ctx, Admitted admitted) {
        ActiveTable table = admitted.table();
        Caller caller = admitted.caller();
        JsonArray data = new JsonArray();
        for (ModelRoute route : table.table().models()) {
            if (deprecations.sunset(route)) {
                continue;
            }
            if (route.servesPattern()) {
                // A pattern is no model id: list the names its providers are known to serve.
                route.listed().stream().filter(caller::mayUse).forEach(name -> data.add(model(name, table)));
                continue;
            }
            if (caller.mayUse(route.name())) {
                data.add(model(route.name(), table));
            }
            for (String alias : route.aliases()) {
                if (caller.mayUse(alias) || caller.mayUse(route.name())) {
                    data.add(model(alias, table));
                }
            }
        }
        json(ctx, new JsonObject().put("object", "list").put("data", data));
    }

    void retrieve(RoutingContext ctx) {
        admit(ctx, admitted -> retrieve(ctx, admitted));
    }

    private void retrieve(RoutingContext ctx, Admitted admitted) {
        ActiveTable table = admitted.table();
        Caller caller = admitted.caller();
        String id = ctx.pathParam("id");
        ModelRoute route = table.table().model(id);
        if (route == null || !(caller.mayUse(id) || !route.servesPattern() && caller.mayUse(route.name())) || deprecations.sunset(route)) {
            ApiError.modelNotFound(id).send(ctx);
            return;
        }
        json(ctx, model(id, table));
    }

    /** `created` is when this table was loaded: the gateway knows nothing older about a public name. */
    private static JsonObject model(String id, ActiveTable table) {
        return new JsonObject()
                .put("id", id)
                .put("object", "model")
                .put("created", table.loadedAt().getEpochSecond())
                .put("owned_by", OWNER);
    }

    private static void json(RoutingContext ctx, JsonObject body) {
        ctx.response().putHeader("content-type", "application/json").end(body.encode());
    }
}
