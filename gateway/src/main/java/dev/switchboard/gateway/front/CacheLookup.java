package dev.switchboard.gateway.front;

import dev.switchboard.gateway.access.CallersContext;
import dev.switchboard.gateway.policy.PolicyReply;
import dev.switchboard.gateway.policy.cache.AnswerStore;
import dev.switchboard.gateway.policy.cache.CacheKey;
import dev.switchboard.gateway.policy.cache.ResponseCache;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.routing.RequestPolicies;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The response cache, for requests whose model or client opted in on this endpoint: a stored answer is served at once
 * (replayed through the client API's writer, as JSON or as a stream), without an upstream call; otherwise the request
 * goes on and its answer is stored. {@code Cache-Control: no-cache} skips the lookup (the fresh answer is still
 * stored), {@code no-store} keeps the answer out of the cache. The answer says which in {@code x-switchboard-cache}.
 */
@Singleton
final class CacheLookup implements FrontStep {

    @Inject
    ResponseCache cache;

    @Override
    public void apply(Inbound request, Next next) {
        RequestPolicies.Cache rule = request.policy.cache();
        // An answer the gateway gives itself (no provider behind it) is not the cache's to keep or replace.
        if (rule == null || request.prepared.local() != null) {
            next.proceed();
            return;
        }
        RequestRecord record = request.record();
        String scope = rule.shared() ? "*" : record.clientName() == null ? "anonymous" : record.clientName();
        String model = request.route().servesPattern() ? request.model() : request.route().name();
        String key = CacheKey.of(record.endpoint(), model, scope, request.policy.postCall().stream().map(RequestPolicies.Hook::name).toList(),
                request.raw());
        if (key == null) {
            next.proceed();
            return;
        }
        String control = request.ctx().request().getHeader("cache-control");
        boolean noCache = directive(control, "no-cache");
        boolean noStore = directive(control, "no-store");
        AnswerStore store = cache.store(request.table());
        if (!noStore) {
            request.storing = new PolicyReply.Storing(cache, store, key, rule.ttlMs());
        }
        if (noCache) {
            result(request, "bypass");
            next.proceed();
            return;
        }
        // Redis answers on its connection's event loop; the request goes on on its own.
        CallersContext.resume(store.get(key)).onComplete(found -> {
            if (found.failed() || found.result() == null) {
                result(request, "miss");
                next.proceed();
                return;
            }
            result(request, "hit");
            // A hit is not stored again: it is the stored answer.
            request.storing = null;
            var answer = found.result();
            PolicyReply.replay(request.prepared.reply(), answer, request.stream(), cache.codec(answer.format()), request.route().name());
        });
    }

    private void result(Inbound request, String result) {
        request.record().cached(result);
        request.ctx().response().putHeader(ResponseCache.HEADER, result);
        cache.counted(request.route().name(), result);
    }

    /** Whether a Cache-Control header value carries the directive (case-insensitive, among comma-separated ones). */
    static boolean directive(String control, String name) {
        if (control == null) {
            return false;
        }
        for (String part : control.split(",")) {
            String directive = part.trim();
            int eq = directive.indexOf('=');
            if ((eq < 0 ? directive : directive.substring(0, eq)).trim().equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
