package dev.switchboard.gateway.http;

import java.util.HashMap;
import java.util.Map;

import dev.switchboard.gateway.access.ClientKeys;
import dev.switchboard.gateway.access.ClientKeys.Caller;
import dev.switchboard.gateway.http.anthropic.AnthropicError;
import dev.switchboard.gateway.http.anthropic.AnthropicPassthroughWriter;
import dev.switchboard.gateway.http.anthropic.AnthropicResponseWriter;
import dev.switchboard.gateway.http.anthropic.MessagesRelay;
import dev.switchboard.gateway.http.anthropic.MessagesToChat;
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
import dev.switchboard.gateway.upstream.anthropic.TranslationRefused;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.ModelRoute.Target;
import dev.switchboard.routing.UpstreamProvider;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * POST /v1/messages, Anthropic's Messages API: the same steps as {@link InferenceHandler} (access, body limit,
 * route, target) with Anthropic's headers and errors. Anthropic targets get the request untranslated (model
 * rewritten); every other provider gets it translated to an OpenAI chat request, and its answer translated back.
 */
@Singleton
public class MessagesHandler {

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

    void handle(RoutingContext ctx) {
        String requestId = RequestIds.assign(ctx);
        RequestRecord record = new RequestRecord(requestId,
                ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress(), "messages");
        ActiveTable table = state.current();
        if (table == null) {
            reject(ctx, record, AnthropicError.notReady());
            return;
        }
        // Anthropic SDKs send the key as x-api-key; Authorization: Bearer is accepted too (auth-token clients).
        String apiKey = ctx.request().getHeader("x-api-key");
        Caller caller = ClientKeys.authenticate(table, apiKey != null ? "Bearer " + apiKey : ctx.request().getHeader("authorization"));
        if (caller == null) {
            reject(ctx, record, AnthropicError.authentication());
            return;
        }
        record.clientName = caller.name();
        int limit = table.table().settings().maxRequestBodyBytes();
        BoundedBody.read(ctx.request(), limit,
                body -> route(ctx, table, caller, record, body),
                () -> {
                    ctx.response().putHeader("connection", "close");
                    reject(ctx, record, AnthropicError.tooLarge(limit));
                });
    }

    void methodNotAllowed(RoutingContext ctx) {
        RequestIds.assign(ctx);
        ctx.response().putHeader("allow", "POST");
        new AnthropicError(405, "invalid_request_error", "Method " + ctx.request().method() + " is not allowed on /v1/messages; use POST.")
                .send(ctx);
    }

    private void route(RoutingContext ctx, ActiveTable table, Caller caller, RequestRecord record, Buffer raw) {
        JsonObject body;
        try {
            body = new JsonObject(raw);
        } catch (DecodeException | ClassCastException e) {
            reject(ctx, record, AnthropicError.invalidRequest("The request body is not a valid JSON object."));
            return;
        }
        if (!(body.getValue("model") instanceof String model) || model.isBlank()) {
            reject(ctx, record, AnthropicError.invalidRequest("model: Field required"));
            return;
        }
        Object streamValue = body.getValue("stream");
        if (streamValue != null && !(streamValue instanceof Boolean)) {
            reject(ctx, record, AnthropicError.invalidRequest("stream: Input should be a valid boolean"));
            return;
        }
        ModelRoute route = table.table().model(model);
        if (route == null) {
            reject(ctx, record, AnthropicError.notFound(model));
            return;
        }
        if (!caller.mayUse(model) && !caller.mayUse(route.name())) {
            reject(ctx, record, AnthropicError.permission(model));
            return;
        }
        record.model = route.name();
        Target target = selector.select(route, table.table().settings().strategy());
        UpstreamProvider provider = table.table().provider(target.provider());
        record.provider = provider.name();
        record.upstreamModel = target.model();
        record.stream = Boolean.TRUE.equals(streamValue);
        ctx.response().putHeader(InferenceHandler.PROVIDER_HEADER, provider.name());

        Upstream upstream = upstreams.forType(provider.type());
        if (upstream == null) {
            metrics.upstreamError(provider.name(), "unsupported");
            record.errorCode = "provider_type_unsupported";
            reject(ctx, record, new AnthropicError(501, "api_error",
                    "Provider type " + provider.type() + " is not supported by this gateway build yet."));
            return;
        }
        boolean passthrough = "Anthropic".equals(provider.type());
        JsonObject upstreamBody;
        if (passthrough) {
            upstreamBody = body.put("model", target.model());
        } else {
            try {
                upstreamBody = MessagesToChat.translate(body).put("model", target.model());
            } catch (TranslationRefused e) {
                reject(ctx, record, AnthropicError.invalidRequest(e.getMessage()));
                return;
            }
        }
        MessagesRelay relay = passthrough
                ? new AnthropicPassthroughWriter(ctx, record, telemetry, metrics, model, record.stream)
                : new AnthropicResponseWriter(ctx, record, telemetry, metrics, model, record.stream);
        UpstreamRequest request = new UpstreamRequest(passthrough ? withClientVersionHeaders(ctx, provider) : provider,
                keys.nextKey(table, provider),
                passthrough ? Operation.MESSAGES : Operation.CHAT, upstreamBody.toBuffer(), record.stream, record.requestId);
        relay.start(upstream.send(request, relay));
    }

    /**
     * A passthrough request keeps the client's `anthropic-version` and `anthropic-beta`: its body was written for
     * them. (For translated targets they mean nothing; the body fields a beta unlocks are refused by the translation.)
     */
    private static UpstreamProvider withClientVersionHeaders(RoutingContext ctx, UpstreamProvider provider) {
        String version = ctx.request().getHeader("anthropic-version");
        String beta = ctx.request().getHeader("anthropic-beta");
        if (version == null && beta == null) {
            return provider;
        }
        Map<String, String> headers = new HashMap<>(provider.headers());
        if (version != null) {
            headers.put("anthropic-version", version);
        }
        if (beta != null) {
            headers.put("anthropic-beta", beta);
        }
        return new UpstreamProvider(provider.name(), provider.type(), provider.endpoint(), provider.apiVersion(), headers,
                provider.timeouts(), provider.limits(), provider.pricing(), provider.credentials(), provider.simulation());
    }

    private void reject(RoutingContext ctx, RequestRecord record, AnthropicError error) {
        record.status = error.status();
        record.errorCode = record.errorCode != null ? record.errorCode : error.type();
        error.send(ctx);
        telemetry.finish(record);
    }
}
