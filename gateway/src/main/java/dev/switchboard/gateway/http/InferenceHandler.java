package dev.switchboard.gateway.http;

import java.util.List;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.switchboard.gateway.access.AccessControl;
import dev.switchboard.gateway.access.ClientKeys.Caller;
import dev.switchboard.gateway.access.Denial;
import dev.switchboard.gateway.access.identity.Authenticator;
import dev.switchboard.gateway.access.TokenEstimate;
import dev.switchboard.gateway.capability.CapabilityCheck;
import dev.switchboard.gateway.capability.Feature;
import dev.switchboard.gateway.capability.RequestFeatures;
import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.dialect.openai.OpenAiReply;
import dev.switchboard.gateway.json.JsonFields;
import dev.switchboard.gateway.resilience.AttemptPipeline;
import dev.switchboard.gateway.resilience.AttemptRequest;
import dev.switchboard.gateway.resilience.FallbackChain;
import dev.switchboard.gateway.resilience.RequestPlan;
import dev.switchboard.gateway.routing.Deprecations;
import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.gateway.table.RoutingState;
import dev.switchboard.gateway.telemetry.RequestRecord;
import dev.switchboard.gateway.telemetry.Telemetry;
import dev.switchboard.gateway.telemetry.tracing.Tracing;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.gateway.upstream.Upstreams;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.PolicySettings;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/**
 * POST /v1/chat/completions, /v1/completions and /v1/embeddings: validate just enough to route, then hand over
 * to the attempt pipeline, which picks targets, rewrites `model` to each one's upstream name and fails over.
 * Runs on the event loop.
 */
@Singleton
public class InferenceHandler {

    @Inject
    RoutingState state;
    @Inject
    AttemptPipeline pipeline;
    @Inject
    Telemetry telemetry;
    @Inject
    AccessControl access;
    @Inject
    Authenticator authenticator;
    @Inject
    Deprecations deprecations;
    @Inject
    Upstreams upstreams;
    @Inject
    Tracing tracing;

    /** How long a stream whose client left after the finish reason is read on for the upstream's usage. */
    @ConfigProperty(name = "switchboard.metering.usage-drain-ms", defaultValue = "2000")
    long usageDrainMs;

    void handle(RoutingContext ctx, Operation operation) {
        String requestId = RequestIds.assign(ctx);
        RequestRecord record = new RequestRecord(requestId, clientAddress(ctx), operation.name().toLowerCase(java.util.Locale.ROOT));
        // The table is captured once: a reload during this request does not change how it is served.
        ActiveTable table = state.current();
        if (table == null) {
            reject(ctx, record, ApiError.notReady());
            return;
        }
        record.trace = tracing.start(table, ctx.request(), record.endpoint, requestId);
        authenticator.authenticate(table, ctx.request().headers()).onSuccess(authentication -> {
            if (!authentication.admitted()) {
                authentication.denial().headers().forEach(ctx.response()::putHeader);
                reject(ctx, record, ApiError.of(authentication.denial()));
                return;
            }
            record.clientName = authentication.caller().name();
            record.subject = authentication.subject();
            readBody(ctx, operation, table, authentication.caller(), record);
        });
    }

    private void readBody(RoutingContext ctx, Operation operation, ActiveTable table, Caller caller, RequestRecord record) {
        int limit = table.table().settings().maxRequestBodyBytes();
        BoundedBody.read(ctx, limit,
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
            body = JsonFields.scan(raw);
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
        Denial sunset = deprecations.check(route, model, ctx.response()::putHeader);
        if (sunset != null) {
            record.model = route.name();
            reject(ctx, record, ApiError.of(sunset));
            return;
        }
        record.requestBytes = raw.length();
        record.trace.prompt(raw);
        long estimatedTokens = TokenEstimate.of(raw.length(), body.maxTokens);
        access.admit(table, caller, route, model, estimatedTokens).onSuccess(admission -> {
            admission.headers().forEach(ctx.response()::putHeader);
            if (!admission.admitted()) {
                reject(ctx, record, ApiError.of(admission.denial()));
                return;
            }
            record.clientPermit = admission.permit();
            proxy(ctx, operation, table, caller, record, raw, body, model, route, estimatedTokens);
        });
    }

    private void proxy(RoutingContext ctx, Operation operation, ActiveTable table, Caller caller, RequestRecord record, Buffer raw,
            JsonFields body, String model, ModelRoute route, long estimatedTokens) {
        record.model = route.name();
        record.stream = operation.canStream() && Boolean.TRUE.equals(body.stream);
        // A fallback is no way around the caller's `models`, nor back to a model past its sunset.
        FallbackChain chain = FallbackChain.of(table, route, caller::mayUse, deprecations::sunset);
        record.fallbacksSkipped = chain.describeSkipped();
        if (record.fallbacksSkipped != null) {
            ctx.response().putHeader(FallbackChain.SKIPPED_HEADER, record.fallbacksSkipped);
        }
        RequestFeatures features = RequestFeatures.of(operation, record.stream, raw);
        Feature unsupported = AttemptPipeline.unservable(table, chain.routes(), features);
        if (unsupported != null) {
            reject(ctx, record, CapabilityCheck.refusal(unsupported, model));
            return;
        }

        boolean clientWantsUsage = body.includeUsageRequested();
        if (record.stream && !clientWantsUsage) {
            // Ask for usage anyway so tokens are accounted; the relay hides it from this client again.
            body.requestUsage();
        }
        OpenAiReply exchange = new OpenAiReply(ctx, record, telemetry, model, clientWantsUsage, usageDrainMs);
        List<String> forwarded = table.table().access() == null ? List.of() : table.table().access().forwardHeaders();
        RequestPlan plan = new RequestPlan(table, route, record.stream, record.requestId, sessionKey(ctx, table.table().settings().affinity()),
                features, estimatedTokens, (provider, target) -> new AttemptRequest(operation,
                        upstreams.speaksOpenAi(provider.type()) ? ForwardedHeaders.apply(provider, forwarded, ctx.request().headers()) : provider,
                        body.toBufferWithModel(target.model())),
                chain.routes());
        pipeline.serve(plan, exchange, record);
    }

    /** The session key for affinity: the configured header's value, or the caller's client key. Never logged. */
    private static String sessionKey(RoutingContext ctx, PolicySettings.Affinity affinity) {
        if (affinity == null) {
            return null;
        }
        String value = ctx.request().getHeader(affinity.clientKey() ? "authorization" : affinity.header());
        if (affinity.clientKey() && (value == null || value.isBlank())) {
            value = ctx.request().getHeader("x-api-key");
        }
        return value == null || value.isBlank() ? null : value;
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
