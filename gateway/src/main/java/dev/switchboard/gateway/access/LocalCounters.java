package dev.switchboard.gateway.access;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

import io.vertx.core.Future;

/**
 * Counters in this replica's memory: exact for one replica, but N replicas each admit up to the full limit.
 * Also the fallback while a configured Redis is unreachable and the policy says FailOpen.
 */
public final class LocalCounters implements CounterStore {

    private static final long MINUTE_MS = 60_000;

    private final LongSupplier millis;
    private final ConcurrentMap<String, Subject> subjects = new ConcurrentHashMap<>();

    public LocalCounters() {
        this(() -> System.nanoTime() / 1_000_000);
    }

    LocalCounters(LongSupplier millis) {
        this.millis = millis;
    }

    /** One subject's counters; every operation holds its monitor, so a check and its update are one step. */
    private static final class Subject {
        final Bucket requests = new Bucket();
        final Bucket tokens = new Bucket();
        int inFlight;
        String dayPeriod;
        double spentDay;
        String monthPeriod;
        double spentMonth;

        void roll(Quota quota) {
            if (!quota.dayPeriod().equals(dayPeriod)) {
                dayPeriod = quota.dayPeriod();
                spentDay = 0;
            }
            if (!quota.monthPeriod().equals(monthPeriod)) {
                monthPeriod = quota.monthPeriod();
                spentMonth = 0;
            }
        }
    }

    /** A token bucket holding up to one minute's allowance, refilled continuously; it may go into debt. */
    private static final class Bucket {
        double level = Double.NaN;
        long at;

        double refill(long capacity, long now) {
            if (Double.isNaN(level)) {
                level = capacity;
            } else {
                level = Math.min(capacity, level + (now - at) * (double) capacity / MINUTE_MS);
            }
            at = now;
            return level;
        }

        static long waitMs(double missing, long capacity) {
            return (long) Math.ceil(missing * MINUTE_MS / capacity);
        }
    }

    @Override
    public Future<Verdict> acquire(Quota quota, long tokens, String lease) {
        Subject s = subjects.computeIfAbsent(quota.subject(), k -> new Subject());
        long now = millis.getAsLong();
        synchronized (s) {
            s.roll(quota);
            if (quota.perDay() > 0 && s.spentDay >= quota.perDay()) {
                return Future.succeededFuture(refused(Verdict.Limit.BUDGET_DAY, 0, s));
            }
            if (quota.perMonth() > 0 && s.spentMonth >= quota.perMonth()) {
                return Future.succeededFuture(refused(Verdict.Limit.BUDGET_MONTH, 0, s));
            }
            if (quota.maxConcurrency() > 0 && s.inFlight >= quota.maxConcurrency()) {
                return Future.succeededFuture(refused(Verdict.Limit.CONCURRENCY, 1000, s));
            }
            int rpm = quota.requestsPerMinute();
            double requests = rpm > 0 ? s.requests.refill(rpm, now) : -1;
            if (rpm > 0 && requests < 1) {
                return Future.succeededFuture(refused(Verdict.Limit.REQUESTS, Bucket.waitMs(1 - requests, rpm), s));
            }
            int tpm = quota.tokensPerMinute();
            double available = tpm > 0 ? s.tokens.refill(tpm, now) : -1;
            // A request larger than the whole allowance waits for a full bucket rather than forever.
            long needed = Math.min(tokens, tpm);
            if (tpm > 0 && available < needed) {
                return Future.succeededFuture(refused(Verdict.Limit.TOKENS, Bucket.waitMs(needed - available, tpm), s));
            }
            if (quota.maxConcurrency() > 0) {
                s.inFlight++;
            }
            if (rpm > 0) {
                s.requests.level -= 1;
            }
            if (tpm > 0) {
                s.tokens.level -= tokens;
            }
            return Future.succeededFuture(new Verdict(null, 0,
                    rpm > 0 ? (long) Math.floor(s.requests.level) : -1, rpm > 0 ? Bucket.waitMs(rpm - s.requests.level, rpm) : 0,
                    tpm > 0 ? Math.max(0, (long) Math.floor(s.tokens.level)) : -1, tpm > 0 ? Bucket.waitMs(tpm - s.tokens.level, tpm) : 0,
                    s.spentDay, s.spentMonth));
        }
    }

    private static Verdict refused(Verdict.Limit limit, long retryAfterMs, Subject s) {
        return new Verdict(limit, retryAfterMs, 0, retryAfterMs, 0, retryAfterMs, s.spentDay, s.spentMonth);
    }

    @Override
    public Future<Spend> settle(Quota quota, String lease, long refund, double cost) {
        Subject s = subjects.computeIfAbsent(quota.subject(), k -> new Subject());
        long now = millis.getAsLong();
        synchronized (s) {
            s.roll(quota);
            if (quota.maxConcurrency() > 0 && s.inFlight > 0) {
                s.inFlight--;
            }
            if (quota.tokensPerMinute() > 0 && refund != 0) {
                s.tokens.refill(quota.tokensPerMinute(), now);
                s.tokens.level = Math.min(quota.tokensPerMinute(), s.tokens.level + refund);
            }
            s.spentDay += cost;
            s.spentMonth += cost;
            return Future.succeededFuture(new Spend(s.spentDay, s.spentMonth));
        }
    }

    @Override
    public Future<Usage> usage(Quota quota) {
        Subject s = subjects.computeIfAbsent(quota.subject(), k -> new Subject());
        long now = millis.getAsLong();
        synchronized (s) {
            s.roll(quota);
            long requests = quota.requestsPerMinute() > 0 ? (long) Math.floor(s.requests.refill(quota.requestsPerMinute(), now)) : -1;
            long tokens = quota.tokensPerMinute() > 0 ? (long) Math.floor(s.tokens.refill(quota.tokensPerMinute(), now)) : -1;
            return Future.succeededFuture(new Usage(requests, tokens, s.inFlight, s.spentDay, s.spentMonth));
        }
    }
}
