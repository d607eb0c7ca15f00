package dev.switchboard.gateway.policy;

import java.util.ArrayList;
import java.util.List;

import dev.switchboard.routing.RequestPolicies;

/**
 * What the table's request policies mean for one request: its cache rule (null: not cached) and the hooks it goes
 * through, each once, in the order the policy declares them (the model's and the client's together).
 *
 * @param cache    the cache rule: the client's when it has one, else the model's; only when it lists the endpoint
 * @param preCall  PreCall hooks, the built-in redaction included
 * @param postCall PostCall hooks
 */
public record RequestPolicy(RequestPolicies.Cache cache, List<RequestPolicies.Hook> preCall, List<RequestPolicies.Hook> postCall) {

    public static final RequestPolicy NONE = new RequestPolicy(null, List.of(), List.of());

    /** The policy for a request to the route named {@code route} by the client {@code client} (null when anonymous) on {@code endpoint}. */
    public static RequestPolicy of(RequestPolicies policies, String route, String client, String endpoint) {
        if (policies == null) {
            return NONE;
        }
        RequestPolicies.Selection model = policies.models().get(route);
        RequestPolicies.Selection caller = client == null ? null : policies.clients().get(client);
        RequestPolicies.Cache cache = caller != null && caller.cache() != null ? caller.cache() : model != null ? model.cache() : null;
        if (cache != null && !cache.endpoints().contains(endpoint)) {
            cache = null;
        }
        List<RequestPolicies.Hook> pre = new ArrayList<>();
        List<RequestPolicies.Hook> post = new ArrayList<>();
        for (RequestPolicies.Hook hook : policies.hooks()) {
            boolean selected = model != null && model.hooks().contains(hook.name()) || caller != null && caller.hooks().contains(hook.name());
            if (selected) {
                (RequestPolicies.POST_CALL.equals(hook.phase()) ? post : pre).add(hook);
            }
        }
        return cache == null && pre.isEmpty() && post.isEmpty() ? NONE : new RequestPolicy(cache, List.copyOf(pre), List.copyOf(post));
    }

    public boolean none() {
        return this == NONE;
    }
}
