package dev.switchboard.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The per-replica store: the same semantics as the Redis scripts, with a clock the test moves. */
class LocalCountersTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final LocalCounters counters = new LocalCounters(now::get);

    private static Quota quota(int rpm, int tpm, int concurrency, double perDay, double perMonth, String day) {
        return new Quota("c:local", rpm, tpm, concurrency, perDay, perMonth, day, day.substring(0, 7));
    }

    private Verdict acquire(Quota quota, long tokens) {
        return counters.acquire(quota, tokens, "lease").result();
    }

    @Test
    void theRequestBucketRefillsContinuously() {
        Quota quota = quota(6, 0, 0, 0, 0, "2030-01-01");
        for (int i = 0; i < 6; i++) {
            assertThat(acquire(quota, 1).admitted()).isTrue();
        }
        Verdict refused = acquire(quota, 1);
        assertThat(refused.refused()).isEqualTo(Verdict.Limit.REQUESTS);
        assertThat(refused.retryAfterMs()).isEqualTo(10_000);

        now.addAndGet(10_000);
        assertThat(acquire(quota, 1).admitted()).isTrue();
        assertThat(acquire(quota, 1).admitted()).isFalse();
    }

    @Test
    void tokenReservationsSettleAndLargeRequestsWaitForAFullBucket() {
        Quota quota = quota(0, 100, 0, 0, 0, "2030-01-01");
        assertThat(acquire(quota, 150).admitted()).isTrue();
        assertThat(acquire(quota, 1).refused()).isEqualTo(Verdict.Limit.TOKENS);

        counters.settle(quota, "lease", 140, 0);
        Verdict next = acquire(quota, 80);
        assertThat(next.admitted()).isTrue();
        assertThat(next.remainingTokens()).isEqualTo(10);
    }

    @Test
    void concurrencySlotsAreHeldUntilSettled() {
        Quota quota = quota(0, 0, 2, 0, 0, "2030-01-01");
        assertThat(acquire(quota, 1).admitted()).isTrue();
        assertThat(acquire(quota, 1).admitted()).isTrue();
        assertThat(acquire(quota, 1).refused()).isEqualTo(Verdict.Limit.CONCURRENCY);
        counters.settle(quota, "lease", 0, 0);
        assertThat(acquire(quota, 1).admitted()).isTrue();
    }

    @Test
    void budgetsRollOverWithTheirPeriod() {
        Quota today = quota(0, 0, 0, 1.0, 1.5, "2030-01-31");
        acquire(today, 1);
        counters.settle(today, "lease", 0, 1.0);
        assertThat(acquire(today, 1).refused()).isEqualTo(Verdict.Limit.BUDGET_DAY);

        Quota tomorrow = quota(0, 0, 0, 1.0, 1.5, "2030-02-01");
        Quota sameMonthTomorrow = new Quota("c:local", 0, 0, 0, 1.0, 1.5, "2030-02-01", "2030-01");
        counters.settle(sameMonthTomorrow, "lease", 0, 0.5);
        assertThat(acquire(sameMonthTomorrow, 1).refused()).isEqualTo(Verdict.Limit.BUDGET_MONTH);
        Verdict nextMonth = acquire(tomorrow, 1);
        assertThat(nextMonth.admitted()).isTrue();
        assertThat(nextMonth.spentMonth()).isZero();
    }
}
