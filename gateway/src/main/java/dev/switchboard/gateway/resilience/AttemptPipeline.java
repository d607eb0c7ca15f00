package dev.switchboard.gateway.resilience;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import dev.switchboard.gateway.access.ProviderLimits;
import dev.switchboard.gateway.capability.CapabilityCheck;
import dev.switchboard.gateway.capability.Feature;
import dev.switchboard.gateway.capability.RequestFeatures;
import dev.switchboard.gateway.routing.TargetSelector;
import dev.switchboard.gateway.routing.TargetView;
import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.gateway.telemetry.GatewayMetrics;
import dev.switchboard.gateway.telemetry.genai.GenAiMetrics;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.upstream.Upstreams;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.ModelRoute.Target;
import dev.switchboard.routing.UpstreamProvider;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Serves a request from the first healthy target that answers, within one deadline: targets of the requested
 * model in strategy order, then those of its fallback models, skipping targets refused locally (open breaker,
 * a 503's Retry-After still running, no usable key, no adapter). Failures of the configured retry classes move on to the next target; when all
 * were tried, another round starts after a backoff while the retry budget and the deadline allow. Nothing
 * reaches the client before a response is known to be good: buffered JSON is checked whole, a stream is
 * committed with its first content (see {@link StreamWatch}). Each attempt gets its share of the deadline
 * ({@link AttemptBudget}). Which fallbacks a request may reach is the caller's to decide ({@link FallbackChain},
 * {@link RequestPlan#chain}). See {@link Exchange}.
 */
@Singleton
public class AttemptPipeline {

    @Inject
    Vertx vertx;
    @Inject
    TargetSelector selector;
    @Inject
    TargetHealth health;
    @Inject
    Upstreams upstreams;
    @Inject
    ProviderLimits providerLimits;
    @Inject
    ResilienceMetrics metrics;
    @Inject
    GatewayMetrics gatewayMetrics;
    @Inject
    GenAiMetrics genAiMetrics;

    /** Starts serving; the outcome goes to {@code reply}. Call on the request's event loop. */
    public void serve(RequestPlan plan, ClientReply reply, RequestRecord record) {
        health.sync(plan.table());
        new Exchange(this, plan, reply, record).start();
    }

    /** The requested model and its fallbacks, breadth first (fallbacks of fallbacks after the direct ones), each once. */
    public static List<ModelRoute> chain(ActiveTable table, ModelRoute route) {
        if (route.fallbacks().isEmpty()) {
            return List.of(route);
        }
        List<ModelRoute> chain = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        chain.add(route);
        seen.add(route.name());
        for (int i = 0; i < chain.size(); i++) {
            for (String fallback : chain.get(i).fallbacks()) {
                ModelRoute next = table.table().model(fallback);
                if (next != null && seen.add(next.name())) {
                    chain.add(next);
                }
            }
        }
        return chain;
    }

    /**
     * The feature that keeps every target of the chain (a model and the fallbacks the request may reach) from
     * serving the request, by their declared capabilities; null when at least one target can. Targets that cannot
     * are skipped during the exchange (see {@link RequestPlan#servable}), so the client gets this refusal only when
     * none is left.
     */
    public static Feature unservable(ActiveTable table, List<ModelRoute> chain, RequestFeatures features) {
        Feature first = null;
        for (ModelRoute candidate : chain) {
            for (Target target : candidate.targets()) {
                Feature unsupported = CapabilityCheck.firstUnsupported(features, table.table().provider(target.provider()), target.model());
                if (unsupported == null) {
                    return null;
                }
                if (first == null) {
                    first = unsupported;
                }
            }
        }
        return first;
    }

    /** Why a target cannot be tried now, or null when it can. */
    Refusal refusal(ActiveTable table, Target target) {
        UpstreamProvider provider = table.table().provider(target.provider());
        if (provider == null || upstreams.forType(provider.type()) == null) {
            return Refusal.UNSUPPORTED;
        }
        TargetState state = health.target(target);
        if (state == null || !state.breaker().available()) {
            return Refusal.BREAKER_OPEN;
        }
        if (state.millisUntilAvailable() > 0) {
            return Refusal.RETRY_AFTER;
        }
        KeyPool pool = health.keys(provider.name());
        return pool == null || !pool.usable(target.model()) ? Refusal.NO_KEY : null;
    }

    enum Refusal {
        UNSUPPORTED, BREAKER_OPEN, NO_KEY,
        /** The target answered 503 with Retry-After, and that time has not passed. */
        RETRY_AFTER
    }

    /** What the strategies see for one request: only targets that can serve it and are not refused right now. */
    TargetView view(ActiveTable table, Predicate<Target> servable) {
        return new TargetView() {
            @Override
            public boolean available(Target target) {
                return servable.test(target) && refusal(table, target) == null;
            }

            @Override
            public int inFlight(Target target) {
                TargetState state = health.target(target);
                return state == null ? 0 : state.inFlight();
            }

            @Override
            public double latencyMs(Target target) {
                TargetState state = health.target(target);
                return state == null ? Double.NaN : state.latencyMs();
            }

            @Override
            public double price(Target target) {
                UpstreamProvider provider = table.table().provider(target.provider());
                UpstreamProvider.Price price = provider == null ? null : provider.priceOf(target.model());
                return price == null ? Double.POSITIVE_INFINITY : price.inputPerMillion() + price.outputPerMillion();
            }
        };
    }
}
