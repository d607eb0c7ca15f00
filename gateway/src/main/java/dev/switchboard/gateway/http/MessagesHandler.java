package dev.switchboard.gateway.http;

import java.util.List;
import java.util.function.Predicate;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.switchboard.gateway.access.AccessControl;
import dev.switchboard.gateway.access.ClientKeys.Caller;
import dev.switchboard.gateway.access.Denial;
import dev.switchboard.gateway.access.TokenEstimate;
import dev.switchboard.gateway.access.identity.Authenticator;
import dev.switchboard.gateway.capability.Feature;
import dev.switchboard.gateway.capability.RequestFeatures;
import dev.switchboard.gateway.dialect.Untranslatable;
import dev.switchboard.gateway.dialect.anthropic.AnthropicError;
import dev.switchboard.gateway.dialect.anthropic.AnthropicReply;
import dev.switchboard.gateway.dialect.anthropic.MessagesToChat;
import dev.switchboard.gateway.json.JsonFields;
import dev.switchboard.gateway.json.RequestTrees;
import dev.switchboard.gateway.resilience.AttemptPipeline;
import dev.switchboard.gateway.resilience.AttemptRequest;
import dev.switchboard.gateway.resilience.FallbackChain;
import dev.switchboard.gateway.resilience.RequestPlan;
import dev.switchboard.gateway.routing.Deprecations;
import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.gateway.table.RoutingState;
import dev.switchboard.gateway.telemetry.GatewayMetrics;
import dev.switchboard.gateway.telemetry.RequestRecord;
import dev.switchboard.gateway.telemetry.Telemetry;
import dev.switchboard.gateway.telemetry.tracing.Tracing;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.PolicySettings;
import dev.switchboard.routing.UpstreamProvider;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * POST /v1/messages, Anthropic's Messages API: the same steps as {@link InferenceHandler} (key, body limit, route,
 * admission, then the attempt pipeline with its strategies, failover, fallbacks, breakers and key pools) with
 * Anthropic's headers and errors. Per attempt, an Anthropic target gets the request untranslated (model rewritten,
 * with the client headers the policy forwards) and any other target the translated OpenAI chat request;
 * {@link AnthropicReply} writes the answer accordingly.
 */
@Singleton
public class MessagesHandler {

    @Inject
    RoutingState state;
    @Inject
    AttemptPipeline pipeline;
    @Inject
    AccessControl access;
    @Inject
    Authenticator authenticator;
    @Inject
    Telemetry telemetry;
    @Inject
    GatewayMetrics metrics;
    @Inject
    Deprecations deprecations;
    @Inject
    Tracing tracing;

    /** How long a stream whose client left after the last content is read on for the upstream's usage. */
    @ConfigProperty(name = "switchboard.metering.usage-drain-ms", defaultValue = "2000")
    long usageDrainMs;

    void handle(RoutingContext ctx) {
        String requestId = RequestIds.assign(ctx);
        RequestRecord record = new RequestRecord(requestId,
                ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress(), "messages");
        ActiveTable table = state.current();
        if (table == null) {
            reject(ctx, record, AnthropicError.notReady());
            return;
        }
        record.trace = tracing.start(table, ctx.request(), record.endpoint, requestId);
        // Anthropic SDKs send the key (or token) as x-api-key; Authorization: Bearer is accepted too (auth-token clients).
        authenticator.authenticate(table, ctx.request().headers()).onSuccess(authentication -> {
            if (!authentication.admitted()) {
                authentication.denial().headers().forEach(ctx.response()::putHeader);
                reject(ctx, record, "invalid_api_key".equals(authentication.denial().code()) ? AnthropicError.authentication()
                        : AnthropicError.of(authentication.denial()));
                return;
            }
            record.clientName = authentication.caller().name();
            record.subject = authentication.subject();
            readBody(ctx, table, authentication.caller(), record);
        });
    }

    private void readBody(RoutingContext ctx, ActiveTable table, Caller caller, RequestRecord record) {
        int limit = table.table().settings().maxRequestBodyBytes();
        BoundedBody.read(ctx, limit,
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
        // Read with a streaming scan like the OpenAI endpoints: a request that only Anthropic targets serve is relayed
        // as it came (model spliced in) and is never parsed into a tree.
        JsonFields body;
        try {
            body = JsonFields.scan(raw);
        } catch (JsonFields.Invalid e) {
            reject(ctx, record, AnthropicError.invalidRequest("The request body is not a valid JSON object: " + e.getMessage()));
            return;
        }
        String model = body.model;
        if (model == null || model.isBlank()) {
            reject(ctx, record, AnthropicError.invalidRequest("model: Field required"));
            return;
        }
        if (body.stream == JsonFields.NOT_BOOLEAN) {
            reject(ctx, record, AnthropicError.invalidRequest("stream: Input should be a valid boolean"));
            return;
        }
        ModelRoute route = table.table().model(model);
        if (route == null) {
            reject(ctx, record, AnthropicError.notFound(model));
            return;
        }
        record.model = route.name();
        Denial sunset = deprecations.check(route, model, ctx.response()::putHeader);
        if (sunset != null) {
            reject(ctx, record, AnthropicError.of(sunset));
            return;
        }
        record.stream = Boolean.TRUE.equals(body.stream);
        record.requestBytes = raw.length();
        record.trace.prompt(raw);
        FallbackChain chain = FallbackChain.of(table, route, caller::mayUse, deprecations::sunset);
        JsonObject chat = null;
        if (hasTarget(table, chain.routes(), provider -> !isAnthropic(provider))) {
            try {
                chat = MessagesToChat.translate(RequestTrees.parse(raw));
            } catch (Untranslatable e) {
                if (!hasTarget(table, chain.routes(), MessagesHandler::isAnthropic)) {
                    reject(ctx, record, AnthropicError.invalidRequest(e.getMessage()));
                    return;
                }
                // Only Anthropic targets can take it, untranslated; the others are skipped.
            } catch (RequestTrees.TooComplex e) {
                record.errorCode = "request_too_complex";
                reject(ctx, record, AnthropicError.invalidRequest(e.getMessage()));
                return;
            } catch (DecodeException e) {
                reject(ctx, record, AnthropicError.invalidRequest("The request body is not a valid JSON object."));
                return;
            }
        }
        // Checked on the request as the client wrote it, so a request only Anthropic targets can take is checked too.
        RequestFeatures features = RequestFeatures.ofMessages(record.stream, raw);
        Feature unsupported = AttemptPipeline.unservable(table, chain.routes(), features);
        if (unsupported != null) {
            reject(ctx, record, AnthropicError.invalidRequest(
                    "The model `" + model + "` does not support " + unsupported.description() + "."));
            return;
        }
        long estimatedTokens = TokenEstimate.of(raw.length(), body.maxTokens);
        JsonObject translated = chat;
        access.admit(table, caller, route, model, estimatedTokens).onSuccess(admission -> {
            admission.headers().forEach(ctx.response()::putHeader);
            if (!admission.admitted()) {
                reject(ctx, record, AnthropicError.of(admission.denial()));
                return;
            }
            record.clientPermit = admission.permit();
            serve(ctx, table, route, chain, model, record, body, translated, features, estimatedTokens);
        });
    }

    private void serve(RoutingContext ctx, ActiveTable table, ModelRoute route, FallbackChain chain, String model, RequestRecord record,
            JsonFields body, JsonObject translated, RequestFeatures features, long estimatedTokens) {
        record.fallbacksSkipped = chain.describeSkipped();
        if (record.fallbacksSkipped != null) {
            ctx.response().putHeader(FallbackChain.SKIPPED_HEADER, record.fallbacksSkipped);
        }
        AnthropicReply reply = new AnthropicReply(ctx, record, telemetry, metrics, model, usageDrainMs);
        List<String> forwarded = table.table().access() == null ? List.of() : table.table().access().forwardHeaders();
        // Each attempt gets its target's model name: spliced into the client's bytes, or set on the translation.
        RequestPlan plan = new RequestPlan(table, route, record.stream, record.requestId,
                sessionKey(ctx, table.table().settings().affinity()), features, estimatedTokens, (provider, target) -> {
                    if (isAnthropic(provider)) {
                        return new AttemptRequest(Operation.MESSAGES, ForwardedHeaders.apply(provider, forwarded, ctx.request().headers()),
                                body.toBufferWithModel(target.model()));
                    }
                    return translated == null ? null
                            : new AttemptRequest(Operation.CHAT, provider, translated.put("model", target.model()).toBuffer());
                }, chain.routes());
        pipeline.serve(plan, reply, record);
    }

    private static boolean isAnthropic(UpstreamProvider provider) {
        return "Anthropic".equals(provider.type());
    }

    /** Whether the model or one of the fallbacks the request may reach has a target whose provider matches. */
    private static boolean hasTarget(ActiveTable table, List<ModelRoute> chain, Predicate<UpstreamProvider> kind) {
        return chain.stream().flatMap(candidate -> candidate.targets().stream())
                .map(target -> table.table().provider(target.provider()))
                .anyMatch(provider -> provider != null && kind.test(provider));
    }

    /** The session key for affinity: the configured header's value, or the caller's client key. Never logged. */
    private static String sessionKey(RoutingContext ctx, PolicySettings.Affinity affinity) {
        if (affinity == null) {
            return null;
        }
        String value = affinity.clientKey() ? ctx.request().getHeader("x-api-key") : ctx.request().getHeader(affinity.header());
        if (affinity.clientKey() && (value == null || value.isBlank())) {
            value = ctx.request().getHeader("authorization");
        }
        return value == null || value.isBlank() ? null : value;
    }

    private void reject(RoutingContext ctx, RequestRecord record, AnthropicError error) {
        record.status = error.status();
        record.errorCode = record.errorCode != null ? record.errorCode : error.type();
        error.send(ctx);
        telemetry.finish(record);
    }
}
