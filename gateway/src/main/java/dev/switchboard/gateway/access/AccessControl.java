package dev.switchboard.gateway.access;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

import dev.switchboard.gateway.access.ClientKeys.Caller;
import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.routing.AccessRules.Budget;
import dev.switchboard.routing.AccessRules.ClientRule;
import dev.switchboard.routing.AccessRules.Limits;
import dev.switchboard.routing.ModelRoute;
import io.vertx.core.Future;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Admission and settlement of client requests: allowed models, request/token/concurrency limits and day/month
 * budgets, counted in the store {@link SharedCounters} picks (Redis shared by all replicas, or this replica's
 * memory). Runs on the event loop; without Redis every answer is an already completed future.
 */
@Singleton
public class AccessControl {

    private static final Logger LOG = Logger.getLogger(AccessControl.class);

    @Inject
    SharedCounters counters;
    @Inject
    AccessMetrics metrics;
    @Inject
    Clock clock;

    /** Leases name concurrency slots in Redis; unique per replica and request. */
    private final String replica = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong leases = new AtomicLong();

    /** A store's verdict, with the store that gave it (settlement goes to the same one). */
    record Counted(CounterStore store, Verdict verdict, String lease) {
    }

    /**
     * Admits a request for {@code route} (asked for as {@code requestedModel}, which may be an alias) expected to
     * use about {@code estimatedTokens} tokens; see {@link TokenEstimate}. The future never fails: every outcome
     * is an {@link Admission}, completed on the calling event loop.
     */
    public Future<Admission> admit(ActiveTable table, Caller caller, ModelRoute route, String requestedModel, long estimatedTokens) {
        if (!caller.mayUse(requestedModel) && (route.servesPattern() || !caller.mayUse(route.name()))) {
            return Future.succeededFuture(Admission.denied(Denial.modelNotAllowed(requestedModel)));
        }
        ClientRule client = caller.client();
        Quota quota = quotaOf(client);
        if (quota == null) {
            return Future.succeededFuture(Admission.granted(
                    new Permit(this, table, client, route.name(), null, null, null, 0), Map.of()));
        }
        return count(table, quota, estimatedTokens).map(counted -> {
            if (counted == null) {
                metrics.rateLimited(client.name(), "store_unavailable");
                return Admission.denied(Denial.storeUnavailable());
            }
            Verdict verdict = counted.verdict();
            budgetGauges(client, verdict.spentDay(), verdict.spentMonth());
            if (!verdict.admitted()) {
                metrics.rateLimited(client.name(), verdict.refused().label);
                return Admission.denied(denial(client, quota, verdict));
            }
            Map<String, String> headers = RateLimitHeaders.of(quota, verdict);
            budgetWarning(client.budget(), verdict, headers);
            return Admission.granted(new Permit(this, table, client, route.name(), quota, counted.store(), counted.lease(), estimatedTokens),
                    headers);
        });
    }

    /**
     * Counts one request against a quota in the store for this table: null when Redis is down and the policy fails
     * closed. A Redis failure mid-call counts as Redis down: FailOpen retries in this replica's memory.
     */
    Future<Counted> count(ActiveTable table, Quota quota, long tokens) {
        SharedCounters.Choice choice = counters.choose(table);
        if (choice.closed()) {
            return Future.succeededFuture(null);
        }
        String lease = nextLease();
        CounterStore store = choice.store();
        Future<Counted> counted = store.acquire(quota, tokens, lease).map(v -> new Counted(store, v, lease));
        if (choice.shared()) {
            counted = counted.recover(e -> {
                counters.failed(store, e);
                // A timed-out call may still have run in Redis: free the slot it may hold there (retried by the store
                // until Redis confirms; the request it took stays counted, which errs on the safe side).
                store.settle(quota, lease, 0, 0).onFailure(failure -> settlementFailed(store, quota, failure));
                SharedCounters.Choice fallback = counters.choose(table);
                if (fallback.closed() || fallback.store() == store) {
                    return Future.succeededFuture(null);
                }
                return fallback.store().acquire(quota, tokens, lease).map(v -> new Counted(fallback.store(), v, lease));
            });
        }
        return CallersContext.resume(counted);
    }


    private String nextLease() {
        return replica + ":" + leases.incrementAndGet();
    }

    double settle(Permit permit, long promptTokens, long cachedPromptTokens, long completionTokens, String provider, String upstreamModel) {
        boolean accountsCost = permit.model != null;
        double cost = accountsCost
                ? Pricing.cost(permit.table.table().provider(provider), upstreamModel, promptTokens, cachedPromptTokens, completionTokens)
                : 0;
        ClientRule client = permit.client;
        if (accountsCost) {
            metrics.cost(client == null ? null : client.name(), client == null ? null : client.team(), permit.model, provider, cost);
        }
        if (permit.quota == null) {
            return cost;
        }
        // The period is the one the request ends in: a request running over midnight is charged to the new day.
        Quota current = client != null ? quotaOf(client) : null;
        Quota quota = current != null ? current : permit.quota;
        long refund = permit.reservedTokens - (promptTokens + completionTokens);
        CounterStore store = permit.store;
        store.settle(quota, permit.lease, refund, cost).onComplete(result -> {
            if (result.succeeded() && client != null) {
                budgetGauges(client, result.result().day(), result.result().month());
            } else if (result.failed()) {
                settlementFailed(store, quota, result.cause());
            }
        });
        return cost;
    }

    /**
     * A settlement Redis did not confirm. The store keeps it and sends it again once Redis answers (see
     * RedisCounters#retryPending): dropped, it would hold the request's concurrency slot until the lease expires.
     */
    private void settlementFailed(CounterStore store, Quota quota, Throwable cause) {
        counters.failed(store, cause);
        metrics.settlements("failed", 1);
        LOG.debugf("settling a request of %s failed, kept for a retry: %s", quota.subject(), cause.getMessage());
    }

    /**
     * A client's current counters in the store this table uses right now, for the admin endpoint; null when the
     * client has no limits and no budget, or when Redis is down and the policy fails closed.
     */
    public Future<CounterStore.Usage> usage(ActiveTable table, ClientRule client) {
        return usage(table, quotaOf(client));
    }

    /** A quota's current counters (a client's, or a provider account's), as {@link #usage(ActiveTable, ClientRule)}. */
    public Future<CounterStore.Usage> usage(ActiveTable table, Quota quota) {
        SharedCounters.Choice choice = counters.choose(table);
        if (quota == null || choice.closed()) {
            return Future.succeededFuture(null);
        }
        return CallersContext.resume(choice.store().usage(quota));
    }

    /** The counted limits of a client, with the budget periods of now; null when nothing is counted. */
    public Quota quotaOf(ClientRule client) {
        if (client == null) {
            return null;
        }
        Limits limits = client.limits();
        Budget budget = client.budget();
        Quota quota = new Quota("c:" + client.name(),
                limits == null || limits.requestsPerMinute() == null ? 0 : limits.requestsPerMinute(),
                limits == null || limits.tokensPerMinute() == null ? 0 : limits.tokensPerMinute(),
                limits == null || limits.maxConcurrency() == null ? 0 : limits.maxConcurrency(),
                budget == null || budget.perDay() == null ? 0 : budget.perDay(),
                budget == null || budget.perMonth() == null ? 0 : budget.perMonth(),
                dayPeriodNow(), monthPeriodNow());
        return quota.limited() ? quota : null;
    }

    /** The budget day now, UTC: 2026-11-22. */
    public String dayPeriodNow() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC)).toString();
    }

    /** The budget month now, UTC: 2026-11. */
    public String monthPeriodNow() {
        return dayPeriodNow().substring(0, 7);
    }

    private Denial denial(ClientRule client, Quota quota, Verdict verdict) {
        Map<String, String> headers = new LinkedHashMap<>(RateLimitHeaders.of(quota, verdict));
        String name = client.name();
        return switch (verdict.refused()) {
            case BUDGET_DAY, BUDGET_MONTH -> {
                boolean day = verdict.refused() == Verdict.Limit.BUDGET_DAY;
                Instant renews = day ? nextDay() : nextMonth();
                headers.put("retry-after", Long.toString(Math.max(1, Duration.between(clock.instant(), renews).toSeconds())));
                yield Denial.budgetExceeded("The " + (day ? "daily" : "monthly") + " budget of client " + name + " ("
                        + (day ? quota.perDay() : quota.perMonth()) + ") is spent; it renews at " + renews + ".", headers);
            }
            case CONCURRENCY -> {
                headers.put("retry-after", RateLimitHeaders.retryAfter(verdict.retryAfterMs()));
                yield Denial.rateLimited("requests", "Concurrency limit reached for client " + name + ": "
                        + quota.maxConcurrency() + " requests in flight at once. Retry when one has finished.", headers);
            }
            case REQUESTS -> {
                headers.put("retry-after", RateLimitHeaders.retryAfter(verdict.retryAfterMs()));
                yield Denial.rateLimited("requests", "Rate limit reached for client " + name + ": " + quota.requestsPerMinute()
                        + " requests per minute. Please try again in " + RateLimitHeaders.duration(verdict.retryAfterMs()) + ".", headers);
            }
            case TOKENS -> {
                headers.put("retry-after", RateLimitHeaders.retryAfter(verdict.retryAfterMs()));
                yield Denial.rateLimited("tokens", "Rate limit reached for client " + name + ": " + quota.tokensPerMinute()
                        + " tokens per minute. Please try again in " + RateLimitHeaders.duration(verdict.retryAfterMs()) + ".", headers);
            }
        };
    }

    private Instant nextDay() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC)).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private Instant nextMonth() {
        return LocalDate.now(clock.withZone(ZoneOffset.UTC)).withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private void budgetGauges(ClientRule client, double spentDay, double spentMonth) {
        Budget budget = client.budget();
        if (budget == null) {
            return;
        }
        if (budget.perDay() != null && budget.perDay() > 0) {
            metrics.budgetUsed(client.name(), client.team(), "day", spentDay / budget.perDay());
        }
        if (budget.perMonth() != null && budget.perMonth() > 0) {
            metrics.budgetUsed(client.name(), client.team(), "month", spentMonth / budget.perMonth());
        }
    }

    /** Near the threshold (warnAt), admitted responses say how much of which budget is used. */
    private static void budgetWarning(Budget budget, Verdict verdict, Map<String, String> headers) {
        if (budget == null) {
            return;
        }
        StringBuilder warning = new StringBuilder();
        if (budget.perDay() != null && budget.perDay() > 0 && verdict.spentDay() >= budget.warnAt() * budget.perDay()) {
            warning.append("day ").append(Math.round(100 * verdict.spentDay() / budget.perDay())).append("% used");
        }
        if (budget.perMonth() != null && budget.perMonth() > 0 && verdict.spentMonth() >= budget.warnAt() * budget.perMonth()) {
            warning.append(warning.isEmpty() ? "" : ", ").append("month ").append(Math.round(100 * verdict.spentMonth() / budget.perMonth())).append("% used");
        }
        if (!warning.isEmpty()) {
            headers.put("x-switchboard-budget-warning", warning.toString());
        }
    }
}
