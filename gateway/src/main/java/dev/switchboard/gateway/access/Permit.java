package dev.switchboard.gateway.access;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.switchboard.gateway.record.Claim;
import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.routing.AccessRules.ClientRule;

/**
 * An admitted request's claim on its subject's counters: the concurrency slot it holds and the tokens it reserved.
 * {@link #settle} must run exactly once when the request ends (the gateway does it from Settlement.close); later
 * calls do nothing, so a double finish cannot release a slot twice.
 */
public final class Permit implements Claim {

    final AccessControl owner;
    final ActiveTable table;
    /** The client this permit belongs to; null for provider permits and anonymous callers. */
    final ClientRule client;
    /** Null when nothing is counted (no limits, no budget). */
    final Quota quota;
    final CounterStore store;
    final String lease;
    final long reservedTokens;
    /** The public model of a client request; null for provider permits, which only return tokens and slots. */
    final String model;
    private final AtomicBoolean settled = new AtomicBoolean();

    Permit(AccessControl owner, ActiveTable table, ClientRule client, String model, Quota quota, CounterStore store, String lease,
            long reservedTokens) {
        this.owner = owner;
        this.table = table;
        this.client = client;
        this.quota = quota;
        this.store = store;
        this.lease = lease;
        this.reservedTokens = reservedTokens;
        this.model = model;
    }

    /**
     * Settles with the usage the upstream reported (null counts when it reported none: the reservation is then
     * returned whole) and returns the request's cost in the pricing currency (0 without a price for the model).
     */
    public double settle(Integer promptTokens, Integer completionTokens, String provider, String upstreamModel) {
        return settle(promptTokens, null, completionTokens, provider, upstreamModel);
    }

    /** As {@link #settle(Integer, Integer, String, String)}, with the cached part of the prompt priced as such. */
    @Override
    public double settle(Integer promptTokens, Integer cachedPromptTokens, Integer completionTokens, String provider, String upstreamModel) {
        if (!settled.compareAndSet(false, true)) {
            return 0;
        }
        return owner.settle(this, promptTokens == null ? 0 : promptTokens, cachedPromptTokens == null ? 0 : cachedPromptTokens,
                completionTokens == null ? 0 : completionTokens, provider, upstreamModel);
    }
}
