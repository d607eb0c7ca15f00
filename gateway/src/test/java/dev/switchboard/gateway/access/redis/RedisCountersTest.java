package dev.switchboard.gateway.access.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.access.CounterStore;
import dev.switchboard.gateway.access.Quota;
import dev.switchboard.gateway.access.Spend;
import dev.switchboard.gateway.access.Verdict;
import dev.switchboard.gateway.testing.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * Two independent counter stores on one real redis-server stand for two gateway replicas: whatever the mix of
 * requests between them, they enforce one limit together, not one each.
 */
class RedisCountersTest {

    private static final String PASSWORD = "redis-test-password";
    private static Vertx vertx;
    private static RedisServer redis;
    private static RedisCounters replicaA;
    private static RedisCounters replicaB;
    private static int subjects;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        redis = RedisServer.start(PASSWORD);
        replicaA = new RedisCounters(vertx, "redis://" + redis.endpoint() + "/0", PASSWORD, "test", 2000);
        replicaB = new RedisCounters(vertx, "redis://" + redis.endpoint() + "/0", PASSWORD, "test", 2000);
    }

    @AfterAll
    static void stop() throws Exception {
        replicaA.close();
        replicaB.close();
        redis.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** A fresh subject per test, so tests do not share buckets. */
    private static Quota quota(int rpm, int tpm, int concurrency, double perDay, double perMonth, String day) {
        return new Quota("c:client-" + (++subjects), rpm, tpm, concurrency, perDay, perMonth, day, day.substring(0, 7));
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    /** Sends n admissions at once, alternating between the two replicas; returns the verdicts. */
    private static List<Verdict> burst(Quota quota, int n, long tokens) throws Exception {
        List<Future<Verdict>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            CounterStore replica = i % 2 == 0 ? replicaA : replicaB;
            calls.add(replica.acquire(quota, tokens, "lease-" + i));
        }
        await(Future.join(new ArrayList<>(calls)));
        return calls.stream().map(Future::result).toList();
    }

    @Test
    void twoReplicasEnforceOneRequestLimit() throws Exception {
        Quota quota = quota(20, 0, 0, 0, 0, "2026-11-22");

        List<Verdict> verdicts = burst(quota, 50, 1);

        long admitted = verdicts.stream().filter(Verdict::admitted).count();
        // The bucket refills one request every 3 s; a burst may see at most one refill.
        assertThat(admitted).isBetween(20L, 21L);
        Verdict refused = verdicts.stream().filter(v -> !v.admitted()).findFirst().orElseThrow();
        assertThat(refused.refused()).isEqualTo(Verdict.Limit.REQUESTS);
        assertThat(refused.retryAfterMs()).isBetween(1L, 3000L);
    }

    @Test
    void twoReplicasEnforceOneConcurrencyLimitAndSlotsComeBack() throws Exception {
        Quota quota = quota(0, 0, 5, 0, 0, "2026-11-22");

        List<Verdict> verdicts = burst(quota, 30, 1);

        assertThat(verdicts.stream().filter(Verdict::admitted).count()).isEqualTo(5);
        assertThat(verdicts.stream().filter(v -> !v.admitted()).map(Verdict::refused).distinct()).containsExactly(Verdict.Limit.CONCURRENCY);
        int holder = verdicts.indexOf(verdicts.stream().filter(Verdict::admitted).findFirst().orElseThrow());
        await(replicaB.settle(quota, "lease-" + holder, 0, 0));
        assertThat(await(replicaA.acquire(quota, 1, "lease-next")).admitted()).isTrue();
        assertThat(await(replicaB.acquire(quota, 1, "lease-after")).admitted()).isFalse();
    }

    @Test
    void tokensAreReservedUpFrontAndSettledWithTheRealUsage() throws Exception {
        Quota quota = quota(0, 1000, 0, 0, 0, "2026-11-22");

        assertThat(await(replicaA.acquire(quota, 400, "a")).remainingTokens()).isBetween(600L, 610L);
        assertThat(await(replicaB.acquire(quota, 400, "b")).admitted()).isTrue();
        Verdict third = await(replicaA.acquire(quota, 400, "c"));
        assertThat(third.refused()).isEqualTo(Verdict.Limit.TOKENS);

        // The first request used 100 tokens, not 400: the other 300 go back.
        await(replicaB.settle(quota, "a", 300, 0));
        assertThat(await(replicaA.acquire(quota, 400, "c")).admitted()).isTrue();
        // A request that used more than it reserved leaves the bucket in debt.
        await(replicaA.settle(quota, "b", -600, 0));
        assertThat(await(replicaB.acquire(quota, 1, "d")).refused()).isEqualTo(Verdict.Limit.TOKENS);
    }

    @Test
    void aSpentBudgetBlocksBothReplicasUntilThePeriodRollsOver() throws Exception {
        Quota today = quota(0, 0, 0, 1.0, 5.0, "2026-11-22");

        assertThat(await(replicaA.acquire(today, 1, "a")).admitted()).isTrue();
        Spend spend = await(replicaA.settle(today, "a", 0, 0.6));
        assertThat(spend.day()).isEqualTo(0.6);
        assertThat(await(replicaB.acquire(today, 1, "b")).admitted()).isTrue();
        assertThat(await(replicaB.settle(today, "b", 0, 0.4)).day()).isEqualTo(1.0);

        Verdict blocked = await(replicaA.acquire(today, 1, "c"));
        assertThat(blocked.refused()).isEqualTo(Verdict.Limit.BUDGET_DAY);
        assertThat(blocked.spentDay()).isEqualTo(1.0);

        Quota tomorrow = new Quota(today.subject(), 0, 0, 0, 1.0, 5.0, "2026-11-23", "2026-11");
        Verdict next = await(replicaB.acquire(tomorrow, 1, "d"));
        assertThat(next.admitted()).isTrue();
        assertThat(next.spentDay()).isZero();
        assertThat(next.spentMonth()).isEqualTo(1.0);
    }

    /**
     * A settlement whose answer timed out while Redis stood still did run once Redis went on. It was kept for a
     * retry all the same (the gateway cannot know), and the retry must find it applied: the cost and the refunded
     * tokens count once, and the slot is free.
     */
    @Test
    void aSettlementThatTimedOutButRanIsNotCountedTwiceByItsRetry() throws Exception {
        Quota quota = quota(0, 1000, 1, 10.0, 0, "2026-11-22");
        assertThat(await(replicaA.acquire(quota, 400, "stalled")).admitted()).isTrue();

        redis.pause();
        Throwable failure;
        try {
            failure = replicaA.settle(quota, "stalled", 300, 0.5).toCompletionStage().toCompletableFuture()
                    .handle((spend, error) -> error).get(20, TimeUnit.SECONDS);
        } finally {
            redis.resume();
        }
        assertThat(failure).isInstanceOf(java.util.concurrent.TimeoutException.class);
        assertThat(replicaA.pending()).isEqualTo(1);

        RedisCounters.Retried retried = await(replicaA.retryPending());

        assertThat(retried.confirmed()).isEqualTo(1);
        assertThat(replicaA.pending()).isZero();
        CounterStore.Usage usage = await(replicaB.usage(quota));
        assertThat(usage.spentDay()).isEqualTo(0.5);
        assertThat(usage.inFlight()).isZero();
        // 1000 - 400 reserved + 300 refunded, plus what refilled meanwhile.
        assertThat(usage.remainingTokens()).isBetween(900L, 1000L);
        assertThat(await(replicaB.acquire(quota, 1, "next")).admitted()).isTrue();
    }

    @Test
    void usageReadsWithoutTaking() throws Exception {
        Quota quota = quota(10, 100, 3, 2.0, 0, "2026-11-22");
        await(replicaA.acquire(quota, 30, "a"));
        await(replicaA.settle(quota, "none", 0, 0.5));

        CounterStore.Usage usage = await(replicaB.usage(quota));
        CounterStore.Usage again = await(replicaB.usage(quota));

        assertThat(usage.remainingRequests()).isEqualTo(9);
        assertThat(usage.remainingTokens()).isBetween(70L, 71L);
        assertThat(usage.inFlight()).isEqualTo(1);
        assertThat(usage.spentDay()).isEqualTo(0.5);
        assertThat(again.remainingRequests()).isEqualTo(9);
    }
}
