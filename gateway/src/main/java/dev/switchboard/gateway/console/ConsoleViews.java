package dev.switchboard.gateway.console;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.switchboard.gateway.access.AccessControl;
import dev.switchboard.gateway.access.CounterStore;
import dev.switchboard.gateway.access.ProviderLimits;
import dev.switchboard.gateway.access.Quota;
import dev.switchboard.gateway.access.SharedCounters;
import dev.switchboard.gateway.resilience.CircuitBreaker;
import dev.switchboard.gateway.resilience.KeyPool;
import dev.switchboard.gateway.resilience.TargetHealth;
import dev.switchboard.gateway.resilience.TargetState;
import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.AccessRules.ClientRule;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.PolicySettings;
import dev.switchboard.routing.UpstreamProvider;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The data behind each console page, read from the state the gateway routes with (the served table, the health
 * registry, the counter store) and from the console's own bounded history; there is no second copy of any of it.
 * Key values never leave here: keys are named by fingerprint, secrets by nothing at all.
 */
@Singleton
public class ConsoleViews {

    @Inject
    TargetHealth health;
    @Inject
    AccessControl access;
    @Inject
    SharedCounters counters;
    @Inject
    ConsoleFeed feed;
    @Inject
    ReloadHistory reloads;

    @ConfigProperty(name = "switchboard.local.dir")
    Optional<String> localDir;

    private final String replica = replicaName();

    JsonObject overview(ActiveTable table) {
        Boolean redisUp = counters.redisUp(table);
        return new JsonObject()
                .put("replica", replica)
                .put("mode", localDir.isPresent() ? "local" : "cluster")
                .put("hash", table.hash())
                .put("loadedAt", table.loadedAt().toString())
                .put("models", table.table().models().size())
                .put("providers", table.table().providers().size())
                .put("store", redisUp == null ? "local" : "redis")
                .put("redisUp", redisUp)
                .put("series", feed.series().columns(feed.now().getEpochSecond()));
    }

    JsonObject models(ActiveTable table) {
        health.sync(table);
        PolicySettings.CircuitBreaker settings = table.table().settings().circuitBreaker();
        // The breakers' clock: monotonic milliseconds, as TargetHealth gives them.
        long nowMs = System.nanoTime() / 1_000_000;
        JsonArray models = new JsonArray();
        for (ModelRoute route : table.table().models()) {
            JsonArray targets = new JsonArray();
            for (ModelRoute.Target target : route.targets()) {
                JsonObject entry = new JsonObject().put("provider", target.provider()).put("upstreamModel", target.model())
                        .put("weight", target.weight()).put("priority", target.priority());
                TargetState state = health.target(target);
                if (state != null) {
                    CircuitBreaker breaker = state.breaker();
                    CircuitBreaker.State breakerState = breaker.state();
                    entry.put("breaker", breakerState.name()).put("consecutiveFailures", breaker.consecutiveFailures())
                            .put("inFlight", state.inFlight());
                    if (breakerState != CircuitBreaker.State.CLOSED) {
                        entry.put("reason", reason(breaker, breakerState, settings, nowMs));
                    }
                    if (breaker.millisUntilProbe() > 0) {
                        entry.put("probeInMs", breaker.millisUntilProbe());
                    }
                    if (state.millisUntilAvailable() > 0) {
                        entry.put("retryAfterMs", state.millisUntilAvailable());
                    }
                    if (!Double.isNaN(state.latencyMs())) {
                        entry.put("latencyMs", Math.round(state.latencyMs() * 10) / 10.0);
                    }
                }
                entry.put("keys", keys(health.keys(target.provider())));
                targets.add(entry);
            }
            JsonObject model = new JsonObject().put("name", route.name()).put("aliases", new JsonArray(new ArrayList<>(route.aliases())))
                    .put("strategy", route.strategy()).put("fallbacks", new JsonArray(new ArrayList<>(route.fallbacks())))
                    .put("targets", targets);
            if (route.deprecation() != null) {
                model.put("deprecation", new JsonObject().put("replacement", route.deprecation().replacement())
                        .put("sunset", route.deprecation().sunset()).put("message", route.deprecation().message()));
            }
            models.add(model);
        }
        return new JsonObject().put("hash", table.hash()).put("models", models);
    }

    /** Why a breaker is not closed, from what it counted: a run of failures, the failure rate, or a failed probe. */
    private static String reason(CircuitBreaker breaker, CircuitBreaker.State state, PolicySettings.CircuitBreaker settings, long nowMs) {
        String why;
        if (state == CircuitBreaker.State.HALF_OPEN) {
            why = "probing: up to " + settings.halfOpenProbes() + " call(s) let through to test the target";
        } else if (breaker.consecutiveFailures() >= settings.consecutiveFailures()) {
            why = breaker.consecutiveFailures() + " consecutive failures (opens at " + settings.consecutiveFailures() + ")";
        } else if (settings.failureRateThreshold() != null) {
            why = "failure rate over " + settings.windowMs() / 1000 + "s reached " + Math.round(100 * settings.failureRateThreshold()) + "%, or a probe failed";
        } else {
            why = "a probe failed";
        }
        long last = breaker.lastFailureAt();
        return last < 0 ? why : why + "; last failure " + Math.max(0, (nowMs - last) / 1000) + "s ago";
    }

    private static JsonArray keys(KeyPool pool) {
        JsonArray keys = new JsonArray();
        if (pool != null && !pool.keyless()) {
            for (KeyPool.Key key : pool.keys()) {
                keys.add(new JsonObject().put("fingerprint", key.fingerprint()).put("state", pool.state(key).name()));
            }
        }
        return keys;
    }

    Future<JsonObject> providers(ActiveTable table) {
        health.sync(table);
        List<UpstreamProvider> providers = table.table().providers();
        List<Future<CounterStore.Usage>> usages = new ArrayList<>();
        providers.forEach(provider -> usages.add(access.usage(table, ProviderLimits.quotaOf(provider))));
        return Future.join(usages).transform(done -> {
            JsonArray list = new JsonArray();
            for (int i = 0; i < providers.size(); i++) {
                UpstreamProvider provider = providers.get(i);
                Future<CounterStore.Usage> usage = usages.get(i);
                JsonObject entry = new JsonObject().put("name", provider.name()).put("type", provider.type())
                        .put("endpoint", host(provider.endpoint()))
                        .put("models", new JsonArray(new ArrayList<>(upstreamModels(table, provider.name()))))
                        .put("keys", keys(health.keys(provider.name())));
                Quota quota = ProviderLimits.quotaOf(provider);
                if (quota != null) {
                    entry.put("limits", limits(quota, usage.succeeded() ? usage.result() : null));
                }
                list.add(entry);
            }
            return Future.succeededFuture(new JsonObject().put("hash", table.hash()).put("providers", list));
        });
    }

    /** Scheme, host and port only: a path or query may carry an account name or a token. */
    private static String host(String endpoint) {
        if (endpoint == null) {
            return "in-process";
        }
        try {
            URI uri = URI.create(endpoint);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        } catch (IllegalArgumentException e) {
            return "unparsable";
        }
    }

    private static Set<String> upstreamModels(ActiveTable table, String provider) {
        Set<String> models = new LinkedHashSet<>();
        for (ModelRoute route : table.table().models()) {
            for (ModelRoute.Target target : route.targets()) {
                if (target.provider().equals(provider)) {
                    models.add(target.model());
                }
            }
        }
        return models;
    }

    Future<JsonObject> clients(ActiveTable table) {
        AccessRules rules = table.table().access();
        List<ClientRule> clients = rules == null ? List.of() : rules.clients();
        List<Future<CounterStore.Usage>> usages = new ArrayList<>();
        clients.forEach(client -> usages.add(access.usage(table, client)));
        return Future.join(usages).transform(done -> {
            String day = access.dayPeriodNow();
            LocalDate today = LocalDate.parse(day);
            JsonArray list = new JsonArray();
            for (int i = 0; i < clients.size(); i++) {
                ClientRule client = clients.get(i);
                Quota quota = access.quotaOf(client);
                JsonObject entry = new JsonObject().put("name", client.name()).put("team", client.team());
                if (quota != null) {
                    Future<CounterStore.Usage> usage = usages.get(i);
                    CounterStore.Usage now = usage.succeeded() ? usage.result() : null;
                    entry.put("limits", limits(quota, now));
                    JsonObject budget = new JsonObject();
                    if (quota.perDay() > 0) {
                        budget.put("day", period(quota.perDay(), now == null ? null : now.spentDay(),
                                today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString()));
                    }
                    if (quota.perMonth() > 0) {
                        budget.put("month", period(quota.perMonth(), now == null ? null : now.spentMonth(),
                                today.withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString()));
                    }
                    entry.put("budget", budget);
                    if (now == null) {
                        entry.put("error", "counters unavailable");
                    }
                }
                list.add(entry);
            }
            Boolean redisUp = counters.redisUp(table);
            return Future.succeededFuture(new JsonObject()
                    .put("mode", rules == null ? AccessRules.OPEN : rules.mode())
                    .put("store", redisUp == null ? "local" : "redis")
                    .put("clients", list));
        });
    }

    /**
     * Each configured limit with where it stands now: what is left of the per-minute buckets (they refill
     * continuously), the requests in flight against the concurrency cap; unknown (null) when the store did not answer.
     */
    private static JsonObject limits(Quota quota, CounterStore.Usage usage) {
        JsonObject limits = new JsonObject();
        if (quota.requestsPerMinute() > 0) {
            limits.put("requestsPerMinute", new JsonObject().put("limit", quota.requestsPerMinute())
                    .put("remaining", usage == null ? null : Math.max(0, usage.remainingRequests())));
        }
        if (quota.tokensPerMinute() > 0) {
            limits.put("tokensPerMinute", new JsonObject().put("limit", quota.tokensPerMinute())
                    .put("remaining", usage == null ? null : Math.max(0, usage.remainingTokens())));
        }
        if (quota.maxConcurrency() > 0) {
            limits.put("maxConcurrency", new JsonObject().put("limit", quota.maxConcurrency())
                    .put("inFlight", usage == null ? null : usage.inFlight()));
        }
        return limits;
    }

    private static JsonObject period(double limit, Double spent, String renews) {
        return new JsonObject().put("limit", limit).put("spent", spent)
                .put("remaining", spent == null ? null : Math.max(0, limit - spent)).put("renews", renews);
    }

    JsonObject requests() {
        JsonArray list = new JsonArray();
        feed.recent().newestFirst().forEach(summary -> list.add(summary.toJson()));
        return new JsonObject().put("capacity", RecentRequests.CAPACITY).put("requests", list);
    }

    JsonObject reloads(ActiveTable table) {
        return new JsonObject().put("serving", table == null ? null : table.hash()).put("attempts", reloads.toJson());
    }

    /** In a cluster the pod name (its hostname), so each replica's page says whose view it is. */
    private static String replicaName() {
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) {
            return host;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
