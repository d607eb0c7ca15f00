package dev.switchboard.gateway.front;

import java.util.List;

import dev.switchboard.gateway.access.Settlement;
import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.gateway.table.RoutingState;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.telemetry.tracing.Tracing;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * What every inference endpoint does, whatever its client API: a chain of {@link FrontStep}s the request walks once,
 * on its event loop: who calls, the body, the route, the API's own preparation and the capability check, access
 * control, the request policies (PreCall hooks and redaction, then the response cache), then the attempt pipeline.
 * The endpoints differ only by their {@link InboundApi}.
 */
@Singleton
public class Front {

    @Inject
    RoutingState state;
    @Inject
    Tracing tracing;
    @Inject
    Settlement settlement;
    @Inject
    Authenticate authenticate;
    @Inject
    ReadBody readBody;
    @Inject
    ResolveRoute resolveRoute;
    @Inject
    Prepare prepare;
    @Inject
    Admit admit;
    @Inject
    PreCallHooks preCallHooks;
    @Inject
    CacheLookup cacheLookup;
    @Inject
    Dispatch dispatch;

    private List<FrontStep> steps;

    @PostConstruct
    void chain() {
        steps = List.of(authenticate, readBody, resolveRoute, prepare, admit, preCallHooks, cacheLookup, dispatch);
    }

    /** Serves one request of {@code api}. Call on the request's event loop. */
    public void serve(RoutingContext ctx, InboundApi api) {
        String requestId = RequestIds.assign(ctx);
        RequestRecord record = new RequestRecord(requestId,
                ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress(), api.endpoint());
        // The table is captured once: a reload during this request does not change how it is served.
        ActiveTable table = state.current();
        Inbound request = new Inbound(ctx, api, table, record, settlement);
        if (table == null) {
            request.refuse(ApiError.notReady());
            return;
        }
        record.traced(tracing.start(table, ctx.request(), record.endpoint(), requestId));
        walk(request, 0);
    }

    private void walk(Inbound request, int step) {
        if (step < steps.size()) {
            steps.get(step).apply(request, () -> walk(request, step + 1));
        }
    }
}
