package dev.switchboard.gateway.policy.hooks;

import java.util.List;

import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.RequestPolicies;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Runs one phase's hooks for one request, one after the other in declared order, each seeing what the previous one
 * left: a denial ends the chain (400 {@code request_denied} with the hook's message), a failed hook is skipped
 * (FailOpen) or ends it (FailClosed: 503 {@code hook_unavailable}), a modification replaces the request or answer for
 * the hooks after it. Every hook runs within what is left of the request's deadline. Each outcome goes to the request's record, for the
 * access log.
 */
public final class HookChain {

    /** Where the chain ended: the request or answer to go on with ({@code changed} when a hook modified it), or a refusal. */
    public record Result(JsonObject document, boolean changed, ApiError refusal) {
    }

    private final HookCalls calls;
    private final ActiveTable table;
    private final JsonObject context;
    private final long deadlineNanos;
    private final RequestRecord record;

    /**
     * {@code context} is what every hook is told about the request (id, endpoint, model, client), {@code deadlineNanos}
     * the request's deadline on {@link System#nanoTime()}.
     */
    public HookChain(HookCalls calls, ActiveTable table, JsonObject context, long deadlineNanos, RequestRecord record) {
        this.calls = calls;
        this.table = table;
        this.context = context;
        this.deadlineNanos = deadlineNanos;
        this.record = record;
    }

    /** The same chain, telling every hook one more thing about the request. */
    public HookChain withContext(String key, String value) {
        return new HookChain(calls, table, context.copy().put(key, value), deadlineNanos, record);
    }

    /** Runs the hooks over {@code document}, shown to HTTP hooks under {@code field} ({@code request} or {@code response}). */
    public Future<Result> run(List<RequestPolicies.Hook> hooks, JsonObject document, String field) {
        return next(hooks, 0, document, false, field);
    }

    private Future<Result> next(List<RequestPolicies.Hook> hooks, int index, JsonObject document, boolean changed, String field) {
        if (index == hooks.size()) {
            return Future.succeededFuture(new Result(document, changed, null));
        }
        RequestPolicies.Hook hook = hooks.get(index);
        long start = System.nanoTime();
        Future<Verdict> verdict;
        if (hook.builtIn()) {
            int replaced = Redactor.redact(document, hook.redact());
            verdict = Future.succeededFuture(calls.count(hook, replaced > 0 ? new Verdict(Verdict.Action.MODIFY, null, document, null) : Verdict.ALLOW, start));
        } else {
            long left = (deadlineNanos - start) / 1_000_000;
            JsonObject sent = context.copy().put("hook", hook.name()).put("phase", hook.phase()).put(field, document);
            verdict = calls.call(table, hook, sent, field, Math.min(hook.timeoutMs(), left));
        }
        return verdict.compose(v -> {
            record.hookDecided(hook.name(), v.outcome());
            return switch (v.action()) {
                case ALLOW -> next(hooks, index + 1, document, changed, field);
                case MODIFY -> next(hooks, index + 1, v.replacement(), true, field);
                case DENY -> Future.succeededFuture(new Result(document, changed,
                        new ApiError(400, "invalid_request_error", "request_denied", null, v.message())));
                case FAILED -> AccessRules.FAIL_OPEN.equals(hook.onFailure()) ? next(hooks, index + 1, document, changed, field)
                        : Future.succeededFuture(new Result(document, changed, new ApiError(503, "api_error", "hook_unavailable", null,
                                "A policy hook (" + hook.name() + ") failed or did not answer in time, and the policy does not go on without it.")));
            };
        });
    }
}
