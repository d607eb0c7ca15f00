package dev.switchboard.gateway.console;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * This replica's traffic over the last {@link #BUCKETS} x {@link #BUCKET_SECONDS} seconds, for the Overview charts:
 * per bucket the requests, successes, tokens, spend and a bounded sample of latencies (reservoir sampling), from
 * which p50 and p95 are read. A fixed ring of buckets: memory does not grow with traffic.
 */
final class TrafficSeries {

    static final int BUCKET_SECONDS = 5;
    static final int BUCKETS = 120;
    static final int SAMPLES_PER_BUCKET = 128;

    private static final class Bucket {
        long second = Long.MIN_VALUE;
        int requests;
        int successes;
        long tokens;
        double spend;
        int seen;
        final double[] latencies = new double[SAMPLES_PER_BUCKET];

        void reset(long start) {
            second = start;
            requests = 0;
            successes = 0;
            tokens = 0;
            spend = 0;
            seen = 0;
        }

        void sample(double ms) {
            if (seen < SAMPLES_PER_BUCKET) {
                latencies[seen] = ms;
            } else {
                int slot = ThreadLocalRandom.current().nextInt(seen + 1);
                if (slot < SAMPLES_PER_BUCKET) {
                    latencies[slot] = ms;
                }
            }
            seen++;
        }
    }

    private final Bucket[] buckets = new Bucket[BUCKETS];

    TrafficSeries() {
        for (int i = 0; i < BUCKETS; i++) {
            buckets[i] = new Bucket();
        }
    }

    synchronized void add(long epochSecond, RequestSummary request) {
        Bucket bucket = bucketAt(epochSecond);
        bucket.requests++;
        if (request.succeeded()) {
            bucket.successes++;
        }
        bucket.tokens += request.tokens();
        if (request.cost() != null) {
            bucket.spend += request.cost();
        }
        bucket.sample(request.durationMs());
    }

    private Bucket bucketAt(long epochSecond) {
        long start = epochSecond - Math.floorMod(epochSecond, BUCKET_SECONDS);
        Bucket bucket = buckets[(int) Math.floorMod(start / BUCKET_SECONDS, (long) BUCKETS)];
        if (bucket.second != start) {
            bucket.reset(start);
        }
        return bucket;
    }

    /**
     * Column arrays oldest to newest, ending with the bucket that holds {@code nowEpochSecond}: t (bucket start, epoch
     * seconds), rate (requests/s), success (fraction, null without requests), p50 and p95 (ms), tokens (per second),
     * spend (per bucket).
     */
    synchronized JsonObject columns(long nowEpochSecond) {
        long newest = nowEpochSecond - Math.floorMod(nowEpochSecond, BUCKET_SECONDS);
        JsonArray t = new JsonArray();
        JsonArray rate = new JsonArray();
        JsonArray success = new JsonArray();
        JsonArray p50 = new JsonArray();
        JsonArray p95 = new JsonArray();
        JsonArray tokens = new JsonArray();
        JsonArray spend = new JsonArray();
        for (int i = BUCKETS - 1; i >= 0; i--) {
            long start = newest - (long) i * BUCKET_SECONDS;
            Bucket bucket = buckets[(int) Math.floorMod(start / BUCKET_SECONDS, (long) BUCKETS)];
            boolean live = bucket.second == start && bucket.requests > 0;
            t.add(start);
            rate.add(live ? round(bucket.requests / (double) BUCKET_SECONDS) : 0);
            success.add(live ? round(bucket.successes / (double) bucket.requests) : null);
            double[] sorted = live ? Arrays.copyOf(bucket.latencies, Math.min(bucket.seen, SAMPLES_PER_BUCKET)) : null;
            if (sorted != null) {
                Arrays.sort(sorted);
            }
            p50.add(sorted == null ? null : round(quantile(sorted, 0.5)));
            p95.add(sorted == null ? null : round(quantile(sorted, 0.95)));
            tokens.add(live ? round(bucket.tokens / (double) BUCKET_SECONDS) : 0);
            spend.add(live ? bucket.spend : 0);
        }
        return new JsonObject().put("bucketSeconds", BUCKET_SECONDS).put("t", t).put("rate", rate).put("success", success)
                .put("p50", p50).put("p95", p95).put("tokens", tokens).put("spend", spend);
    }

    /** Nearest-rank quantile of a sorted, non-empty sample. */
    static double quantile(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
