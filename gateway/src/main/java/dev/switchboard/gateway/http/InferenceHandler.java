package dev.switchboard.gateway.http;

import dev.switchboard.gateway.access.AccessControl;
import dev.switchboard.gateway.access.ClientKeys;
import dev.switchboard.gateway.access.ClientKeys.Caller;
import dev.switchboard.gateway.access.Denial;
import dev.switchboard.gateway.access.ProviderLimits;
import dev.switchboard.gateway.access.TokenEstimate;
import dev.switchboard.gateway.routing.KeyRotation;
import dev.switchboard.gateway.routing.TargetSelector;
import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.gateway.table.RoutingState;
import dev.switchboard.gateway.telemetry.GatewayMetrics;
import dev.switchboard.gateway.telemetry.RequestRecord;
import dev.switchboard.gateway.telemetry.Telemetry;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.gateway.upstream.Upstream;
import dev.switchboard.gateway.upstream.UpstreamRequest;
import dev.switchboard.gateway.upstream.Upstreams;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.ModelRoute.Target;
import dev.switchboard.routing.UpstreamProvider;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/**
 * POST /v1/chat/completions, /v1/completions and /v1/embeddings: validate just enough to route, pick a target,
 * rewrite `model` to the upstream's name and hand over to the provider adapter. Runs on the event loop.
 */
@Singleton
public class InferenceHandler {

    /** Response header naming the provider that served the request (the upstream model stays private). */
    static final String PROVIDER_HEADER = "x-switchboard-provider";

    @Inject
    RoutingState state;
    @Inject
    TargetSelector selector;
    @Inject
    KeyRotation keys;
    @Inject
    Upstreams upstreams;
    @Inject
    Telemetry telemetry;
    @Inject
    GatewayMetrics metrics;
    @Inject
    AccessControl access;
    @Inject
    ProviderLimits providerLimits;

    void handle(RoutingContext ctx, Operation operation) {
        String requestId = RequestIds.assign(ctx);
        RequestRecord record = new RequestRecord(requestId, clientAddress(ctx), operation.name().toLowerCase(java.util.Locale.ROOT));
        // The table is captured once: a reload during this request does not change how it is served.
        ActiveTable table = state.current();
        if (table == null) {
            reject(ctx, record, ApiError.notReady());
            return;
        }
        Caller caller = ClientKeys.authenticate(table, ctx.request().headers());
        if (caller == null) {
            reject(ctx, record, ApiError.of(Denial.invalidApiKey()));
            return;
        }
        record.clientName = caller.name();
        int limit = table.table().settings().maxRequestBodyBytes();
        BoundedBody.read(ctx.request(), limit,
                body -> route(ctx, operation, table, caller, record, body),
                () -> {
                    ctx.response().putHeader("connection", "close");
                    reject(ctx, record, new ApiError(413, "invalid_request_error", "request_too_large", null,
                            "The request body exceeds the limit of " + limit + " bytes."));
                });
    }

    private void route(RoutingContext ctx, Operation operation, ActiveTable table, Caller caller, RequestRecord record, Buffer raw) {
        JsonFields body;
        try {
            body = JsonFields.scan(raw.getBytes());
        } catch (JsonFields.Invalid e) {
            reject(ctx, record, ApiError.invalidRequest("We could not parse the JSON body of your request: " + e.getMessage(), null));
            return;
        }
        String model = body.model;
        if (model == null || model.isBlank()) {
            reject(ctx, record, ApiError.invalidRequest("You must provide a model parameter.", "model"));
            return;
        }
        if (body.stream == JsonFields.NOT_BOOLEAN) {
            reject(ctx, record, ApiError.invalidRequest("stream must be a boolean.", "stream"));
            return;
        }
        ModelRoute route = table.table().model(model);
        if (route == null) {
            reject(ctx, record, ApiError.modelNotFound(model));
            return;
        }
        long estimatedTokens = TokenEstimate.of(raw.length(), body.maxTokens);
        access.admit(table, caller, route, model, estimatedTokens).onSuccess(admission -> {
            admission.headers().forEach(ctx.response()::putHeader);
            if (!admission.admitted()) {
                reject(ctx, record, ApiError.of(admission.denial()));
                return;
            }
            record.clientPermit = admission.permit();
            proxy(ctx, operation, table, record, body, model, route, estimatedTokens);
        });
    }

    private void proxy(RoutingContext ctx, Operation operation, ActiveTable table, RequestRecord record, JsonFields body,
            String model, ModelRoute route, long estimatedTokens) {
        record.model = route.name();
        Target target = selector.select(route, table.table().settings().strategy());
        UpstreamProvider provider = table.table().provider(target.provider());
        record.provider = provider.name();
        record.upstreamModel = target.model();
        record.stream = operation.canStream() && Boolean.TRUE.equals(body.stream);
        ctx.response().putHeader(PROVIDER_HEADER, provider.name());

        boolean clientWantsUsage = body.includeUsageRequested();
        body.replaceModel(target.model());
        if (record.stream && !clientWantsUsage) {
            // Ask for usage anyway so tokens are accounted; the relay hides it from this client again.
            body.requestUsage();
        }
        ProxyExchange exchange = new ProxyExchange(ctx, record, telemetry, metrics, model, clientWantsUsage);
        Upstream upstream = upstreams.forType(provider.type());
        if (upstream == null) {
            metrics.upstreamError(provider.name(), "unsupported");
            exchange.fail(ApiError.upstream(501, "provider_type_unsupported",
                    "Provider type " + provider.type() + " is not supported by this gateway build yet."));
            return;
        }
        providerLimits.tryAcquire(table, provider, estimatedTokens).onSuccess(grant -> {
            if (!grant.granted()) {
                ctx.response().putHeader("retry-after", Long.toString(Math.max(1, (grant.retryAfterMs() + 999) / 1000)));
                exchange.fail(new ApiError(429, "requests", "rate_limit_exceeded", null,
                        "Provider " + provider.name() + " is at its " + grant.limit() + " limit; please try again shortly."));
                return;
            }
            record.providerPermit = grant.permit();
            UpstreamRequest request = new UpstreamRequest(provider, keys.nextKey(table, provider), operation, body.toBuffer(),
                    record.stream, record.requestId);
            exchange.start(upstream.send(request, exchange));
        });
    }

    private void reject(RoutingContext ctx, RequestRecord record, ApiError error) {
        record.status = error.status();
        record.errorCode = error.code() != null ? error.code() : error.type();
        error.send(ctx);
        telemetry.finish(record);
    }

    private static String clientAddress(RoutingContext ctx) {
        return ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
    }
}
