package dev.switchboard.gateway.console;

import java.util.function.Function;

import dev.switchboard.gateway.access.ClientKeys;
import dev.switchboard.gateway.http.ApiError;
import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.gateway.table.RoutingState;
import dev.switchboard.routing.AccessRules;
import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * The status console on the management port: `/console/` serves a static page (it holds no state) that polls
 * `/console/api/*` for its data. The data sits behind the policy's admin key when one is set; without one it is open,
 * like the rest of the management port. Only GET routes: nothing here changes state.
 */
@ApplicationScoped
public class ConsoleRoutes {

    static final String ROOT = "/console";

    @Inject
    RoutingState state;
    @Inject
    ConsoleViews views;

    private final ConsoleAssets assets = new ConsoleAssets();

    void register(@Observes ManagementInterface management) {
        Router router = management.router();
        // Vert.x matches /console and /console/ alike: the page's relative links need the slash.
        router.get(ROOT).handler(ctx -> {
            if (ctx.request().path().endsWith("/")) {
                asset(ctx, "index.html");
            } else {
                ctx.redirect(ROOT + "/");
            }
        });
        router.get(ROOT + "/assets/:name").handler(ctx -> asset(ctx, ctx.pathParam("name")));
        router.get(ROOT + "/api/overview").handler(guarded(table -> Future.succeededFuture(views.overview(table))));
        router.get(ROOT + "/api/models").handler(guarded(table -> Future.succeededFuture(views.models(table))));
        router.get(ROOT + "/api/providers").handler(guarded(views::providers));
        router.get(ROOT + "/api/clients").handler(guarded(views::clients));
        router.get(ROOT + "/api/requests").handler(guarded(table -> Future.succeededFuture(views.requests())));
        router.get(ROOT + "/api/reloads").handler(guarded(table -> Future.succeededFuture(views.reloads(table))));
    }

    private void asset(RoutingContext ctx, String name) {
        ConsoleAssets.Asset asset = assets.get(name);
        if (asset == null) {
            new ApiError(404, "invalid_request_error", "unknown_url", null, "No such console file: " + name).send(ctx);
            return;
        }
        secure(ctx).putHeader("content-type", asset.contentType()).putHeader("cache-control", "no-cache").end(asset.body());
    }

    /**
     * Runs the view for requests that may see it: with the admin key when the served table sets one (compared in
     * constant time), or anyone when it sets none. The table checked against is the one the view reads.
     */
    private Handler<RoutingContext> guarded(Function<ActiveTable, Future<JsonObject>> view) {
        return ctx -> {
            ActiveTable table = state.current();
            if (table == null) {
                ApiError.notReady().send(ctx);
                return;
            }
            AccessRules access = table.table().access();
            if (access != null && access.adminKey() != null
                    && !ClientKeys.matches(ClientKeys.presentedKey(ctx.request().headers()), table.secret(access.adminKey().path()))) {
                secure(ctx);
                new ApiError(401, "invalid_request_error", "invalid_admin_key", null,
                        "The console needs the admin key (access.adminKeyRef). Send it as `Authorization: Bearer <key>`.").send(ctx);
                return;
            }
            view.apply(table).onComplete(done -> {
                if (done.failed()) {
                    ctx.fail(done.cause());
                    return;
                }
                secure(ctx).putHeader("content-type", "application/json").putHeader("cache-control", "no-store")
                        .end(done.result().encode());
            });
        };
    }

    /** A page that runs only its own script and cannot be framed. */
    private static HttpServerResponse secure(RoutingContext ctx) {
        return ctx.response()
                .putHeader("content-security-policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'none'")
                .putHeader("x-content-type-options", "nosniff")
                .putHeader("referrer-policy", "no-referrer");
    }
}
