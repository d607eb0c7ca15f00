package dev.switchboard.gateway.access;

import io.vertx.core.Future;

/**
 * Where request, token, concurrency and spending counters live: this replica's memory, or Redis shared by all
 * replicas. Every operation on one subject is atomic, so concurrent admissions never overshoot a limit.
 */
public interface CounterStore {

    /**
     * Admits one request of the subject or says which limit refuses it. Admitting takes one request from the
     * request bucket, reserves {@code tokens} from the token bucket and holds a concurrency slot under {@code lease}.
     * Nothing is taken when the request is refused.
     */
    Future<Verdict> acquire(Quota quota, long tokens, String lease);

    /**
     * Closes the books on an admitted request: releases its concurrency slot, returns {@code refund} tokens to the
     * token bucket (negative when the real usage exceeded the reservation) and adds {@code cost} to the day and
     * month spending.
     */
    Future<Spend> settle(Quota quota, String lease, long refund, double cost);

    /** The subject's current usage, for the admin endpoint; takes nothing. */
    Future<Usage> usage(Quota quota);

    /** A subject's counters right now; -1 where the subject has no such limit. */
    record Usage(long remainingRequests, long remainingTokens, long inFlight, double spentDay, double spentMonth) {
    }
}
