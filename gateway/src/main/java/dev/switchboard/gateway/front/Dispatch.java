package dev.switchboard.gateway.front;

import dev.switchboard.gateway.resilience.AttemptPipeline;
import dev.switchboard.gateway.resilience.FallbackChain;
import dev.switchboard.gateway.resilience.RequestPlan;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.routing.PolicySettings;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** The last step: the attempt pipeline serves the request, each attempt built by the client API's prepared request. */
@Singleton
final class Dispatch implements FrontStep {

    @Inject
    AttemptPipeline pipeline;

    @Override
    public void apply(Inbound request, Next next) {
        RequestRecord record = request.record();
        record.skippedFallbacks(request.chain().describeSkipped());
        if (record.fallbacksSkipped() != null) {
            request.ctx().response().putHeader(FallbackChain.SKIPPED_HEADER, record.fallbacksSkipped());
        }
        PreparedRequest prepared = request.prepared;
        if (prepared.local() != null) {
            prepared.local().run();
            return;
        }
        RequestPlan plan = new RequestPlan(request.table(), request.route(), request.stream(), record.requestId(),
                sessionKey(request.ctx(), request.table().table().settings().affinity()), prepared.features(), request.estimatedTokens,
                prepared, request.chain().routes());
        pipeline.serve(plan, request.reply(), record);
    }

    /**
     * The session key for affinity: the configured header's value, or the caller's client key (as OpenAI clients send it,
     * else as Anthropic clients do). Never logged.
     */
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
}
