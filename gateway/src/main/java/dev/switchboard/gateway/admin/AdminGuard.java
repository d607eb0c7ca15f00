package dev.switchboard.gateway.admin;

import dev.switchboard.gateway.access.ClientKeys;
import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.gateway.table.RoutingState;
import dev.switchboard.routing.AccessRules;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Lets only holders of the policy's admin key (`access.adminKeyRef`) through, as `Authorization: Bearer` or
 * `x-api-key`, compared in constant time. Without an admin key in the table the admin endpoints do not exist
 * (404). Wrap any admin route with {@link #protect}.
 */
@Singleton
public class AdminGuard {

    @Inject
    RoutingState state;

    /** The handler, run only for requests carrying the admin key; the table it checked against is in the context. */
    public Handler<RoutingContext> protect(Handler<RoutingContext> handler) {
        return ctx -> {
            ActiveTable table = state.current();
            if (table == null) {
                ApiError.notReady().send(ctx);
                return;
            }
            AccessRules access = table.table().access();
            if (access == null || access.adminKey() == null) {
                new ApiError(404, "invalid_request_error", "admin_disabled", null,
                        "The admin endpoints are disabled: the RoutingPolicy sets no access.adminKeyRef.").send(ctx);
                return;
            }
            String expected = table.secret(access.adminKey().path());
            if (!ClientKeys.matches(ClientKeys.presentedKey(ctx.request().headers()), expected)) {
                new ApiError(401, "invalid_request_error", "invalid_admin_key", null,
                        "Missing or incorrect admin key. Send it as `Authorization: Bearer <key>` or `x-api-key: <key>`.").send(ctx);
                return;
            }
            ctx.put(ActiveTable.class.getName(), table);
            handler.handle(ctx);
        };
    }

    /** The table the guard admitted the request with. */
    public static ActiveTable table(RoutingContext ctx) {
        return ctx.get(ActiveTable.class.getName());
    }
}
