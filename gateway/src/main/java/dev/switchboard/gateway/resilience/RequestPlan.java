package dev.switchboard.gateway.resilience;

import java.util.List;

import dev.switchboard.gateway.capability.CapabilityCheck;
import dev.switchboard.gateway.capability.RequestFeatures;
import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.ModelRoute.Target;

/**
 * What the pipeline needs to serve one request.
 *
 * @param table      the table captured when the request arrived
 * @param route      the model asked for; its fallbacks come from the table
 * @param stream     whether the client asked for a stream
 * @param requestId  sent upstream as x-request-id
 * @param sessionKey the affinity key (header value or client key), or null for none
 * @param features   what the request uses, to skip targets declared unable to serve it; null skips nothing
 * @param estimatedTokens the tokens the request is expected to use, reserved against provider limits per attempt
 * @param body       the upstream request (operation, provider headers, body) for each attempt
 * @param chain      the models to try, {@code route} first, then the fallbacks this request may reach (see {@link FallbackChain})
 */
public record RequestPlan(ActiveTable table, ModelRoute route, boolean stream, String requestId,
        String sessionKey, RequestFeatures features, long estimatedTokens, UpstreamBody body, List<ModelRoute> chain) {

    /** Whether the target's declared capabilities cover everything the request uses. */
    boolean servable(Target target) {
        return features == null || CapabilityCheck.firstUnsupported(features, table.table().provider(target.provider()), target.model()) == null;
    }
}
