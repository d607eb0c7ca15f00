package dev.switchboard.gateway.access;

import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Limits;
import io.vertx.core.Future;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * A provider's own `limits` (requests and tokens per minute, concurrency), protecting the upstream account the way
 * client limits protect the gateway: in the same store, so replicas sharing Redis share the account's allowance.
 * Call {@link #tryAcquire} right before an upstream call; an exhausted provider should be skipped by failover.
 */
@Singleton
public class ProviderLimits {

    @Inject
    AccessControl access;
    @Inject
    AccessMetrics metrics;

    /** A permit to call the provider, or how long until it has room again. */
    public record Grant(Permit permit, String limit, long retryAfterMs) {

        public boolean granted() {
            return permit != null;
        }
    }

    /**
     * Takes one request and {@code estimatedTokens} from the provider's allowance. The permit must be settled with
     * the attempt's usage when the attempt ends (successful or not), which returns its concurrency slot and unused
     * tokens. Never fails; completes on the calling event loop.
     */
    public Future<Grant> tryAcquire(ActiveTable table, UpstreamProvider provider, long estimatedTokens) {
        Quota quota = quotaOf(provider);
        if (quota == null) {
            return Future.succeededFuture(new Grant(new Permit(access, table, null, null, null, null, null, 0), null, 0));
        }
        return access.count(table, quota, estimatedTokens).map(counted -> {
            if (counted == null) {
                metrics.providerLimited(provider.name(), "store_unavailable");
                return new Grant(null, "store_unavailable", 1000);
            }
            Verdict verdict = counted.verdict();
            if (!verdict.admitted()) {
                metrics.providerLimited(provider.name(), verdict.refused().label);
                return new Grant(null, verdict.refused().label, verdict.retryAfterMs());
            }
            return new Grant(new Permit(access, table, null, null, quota, counted.store(), counted.lease(), estimatedTokens), null, 0);
        });
    }

    /** The provider's counted limits, or null when it sets none (also what the console reads its usage with). */
    public static Quota quotaOf(UpstreamProvider provider) {
        Limits limits = provider.limits();
        if (limits == null) {
            return null;
        }
        Quota quota = new Quota("p:" + provider.name(),
                limits.requestsPerMinute() == null ? 0 : limits.requestsPerMinute(),
                limits.tokensPerMinute() == null ? 0 : limits.tokensPerMinute(),
                limits.maxConcurrency() == null ? 0 : limits.maxConcurrency(),
                0, 0, "-", "-");
        return quota.limited() ? quota : null;
    }
}
