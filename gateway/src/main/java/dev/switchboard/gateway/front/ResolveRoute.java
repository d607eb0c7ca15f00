package dev.switchboard.gateway.front;

import dev.switchboard.gateway.access.Denial;
import dev.switchboard.gateway.access.TokenEstimate;
import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.json.JsonFields;
import dev.switchboard.gateway.resilience.FallbackChain;
import dev.switchboard.gateway.routing.Deprecations;
import dev.switchboard.routing.ModelRoute;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The model and its route: the body is scanned (never parsed into a tree here, so a request relayed as it came costs
 * one pass), the model looked up, a model past its sunset refused, and the fallbacks the caller may reach chosen: a
 * fallback is no way around the caller's {@code models}, nor back to a model past its sunset.
 */
@Singleton
final class ResolveRoute implements FrontStep {

    @Inject
    Deprecations deprecations;

    @Override
    public void apply(Inbound request, Next next) {
        InboundApi api = request.api();
        JsonFields body;
        try {
            body = JsonFields.scan(request.raw());
        } catch (JsonFields.Invalid e) {
            request.refuse(api.unreadable(e.getMessage()));
            return;
        }
        if (body.model == null || body.model.isBlank()) {
            request.refuse(api.missingModel());
            return;
        }
        if (body.stream == JsonFields.NOT_BOOLEAN) {
            request.refuse(api.streamNotBoolean());
            return;
        }
        ModelRoute route = request.table().table().model(body.model);
        if (route == null) {
            request.refuse(api.unknownModel(body.model));
            return;
        }
        request.record().routed(route.name());
        Denial sunset = deprecations.check(route, body.model, request.ctx().response()::putHeader);
        if (sunset != null) {
            request.refuse(ApiError.of(sunset));
            return;
        }
        request.body = body;
        request.model = body.model;
        request.route = route;
        request.stream = api.canStream() && Boolean.TRUE.equals(body.stream);
        request.chain = FallbackChain.of(request.table(), route, request.caller()::mayUse, deprecations::sunset);
        request.estimatedTokens = api.spendsTokens() ? TokenEstimate.of(request.raw().length(), body.maxTokens) : 0;
        request.record().received(request.stream, request.raw().length());
        request.record().trace().prompt(request.raw());
        next.proceed();
    }
}
