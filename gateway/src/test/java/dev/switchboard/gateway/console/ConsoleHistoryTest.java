package dev.switchboard.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The console's in-memory history stays bounded however much traffic and how many reloads it sees. */
class ConsoleHistoryTest {

    private static RequestSummary request(int i, int status, double ms, Double cost) {
        return new RequestSummary(Instant.EPOCH.plusSeconds(i), "req-" + i, "ops", "chat", "gpt-4o", "sim", "up", 1, null, false,
                status, status >= 400 ? "server_error" : null, ms, 5, 7, cost);
    }

    @Test
    void recentRequestsKeepTheNewestUpToTheirCapacity() {
        RecentRequests recent = new RecentRequests();
        for (int i = 0; i < RecentRequests.CAPACITY * 3 + 7; i++) {
            recent.add(request(i, 200, 1, null));
        }
        List<RequestSummary> list = recent.newestFirst();
        assertThat(list).hasSize(RecentRequests.CAPACITY);
        assertThat(list.get(0).requestId()).isEqualTo("req-" + (RecentRequests.CAPACITY * 3 + 6));
        assertThat(list.get(list.size() - 1).requestId()).isEqualTo("req-" + (RecentRequests.CAPACITY * 2 + 7));
    }

    @Test
    void theSeriesSumsEachIntervalAndForgetsIntervalsOlderThanItsWindow() {
        TrafficSeries series = new TrafficSeries();
        long start = 1_000_000 - Math.floorMod(1_000_000, TrafficSeries.BUCKET_SECONDS);
        // 1000 requests in one interval: more than the latency sample holds. 1 in 10 fails; latency i % 100 + 1 ms.
        for (int i = 0; i < 1000; i++) {
            series.add(start, request(i, i % 10 == 0 ? 500 : 200, i % 100 + 1, 0.01));
        }
        JsonObject now = series.columns(start);
        int last = TrafficSeries.BUCKETS - 1;
        assertThat(now.getJsonArray("t").size()).isEqualTo(TrafficSeries.BUCKETS);
        assertThat(now.getJsonArray("t").getLong(last)).isEqualTo(start);
        assertThat(now.getJsonArray("rate").getDouble(last)).isEqualTo(1000.0 / TrafficSeries.BUCKET_SECONDS);
        assertThat(now.getJsonArray("success").getDouble(last)).isEqualTo(0.9);
        assertThat(now.getJsonArray("tokens").getDouble(last)).isEqualTo(12_000.0 / TrafficSeries.BUCKET_SECONDS);
        assertThat(now.getJsonArray("spend").getDouble(last)).isCloseTo(10.0, org.assertj.core.data.Offset.offset(1e-9));
        // The sample is bounded but spread over the whole interval, so its quantiles stay within the real range.
        assertThat(now.getJsonArray("p50").getDouble(last)).isBetween(1.0, 100.0);
        assertThat(now.getJsonArray("p95").getDouble(last)).isBetween(now.getJsonArray("p50").getDouble(last), 100.0);
        assertThat(now.getJsonArray("rate").getDouble(last - 1)).isZero();
        assertThat(now.getJsonArray("success").getValue(last - 1)).isNull();

        // A full window later the interval has left the series, though its slot in the ring is reused.
        long later = start + (long) TrafficSeries.BUCKETS * TrafficSeries.BUCKET_SECONDS;
        series.add(later, request(0, 200, 3, null));
        JsonObject after = series.columns(later);
        JsonArray rates = after.getJsonArray("rate");
        assertThat(rates.getDouble(last)).isEqualTo(1.0 / TrafficSeries.BUCKET_SECONDS);
        List<Object> older = new ArrayList<>(rates.getList().subList(0, last));
        assertThat(older).allSatisfy(rate -> assertThat(((Number) rate).doubleValue()).isZero());
    }

    @Test
    void quantilesAreNearestRank() {
        double[] sorted = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
        assertThat(TrafficSeries.quantile(sorted, 0.5)).isEqualTo(5);
        assertThat(TrafficSeries.quantile(sorted, 0.95)).isEqualTo(10);
        assertThat(TrafficSeries.quantile(new double[] { 42 }, 0.5)).isEqualTo(42);
    }

    @Test
    void reloadHistoryKeepsTheLastAttemptsWithBoundedProblems() {
        ReloadHistory history = new ReloadHistory();
        List<String> many = new ArrayList<>();
        for (int i = 0; i < ReloadHistory.MAX_PROBLEMS * 2; i++) {
            many.add("problem " + i);
        }
        history.rejected(many);
        for (int i = 0; i < ReloadHistory.CAPACITY - 1; i++) {
            history.accepted("hash-" + i, List.of());
        }
        assertThat(history.newestFirst()).hasSize(ReloadHistory.CAPACITY);
        assertThat(history.newestFirst().get(ReloadHistory.CAPACITY - 1).problems()).hasSize(ReloadHistory.MAX_PROBLEMS);

        history.accepted("newest", List.of());
        assertThat(history.newestFirst()).hasSize(ReloadHistory.CAPACITY).allMatch(ReloadHistory.Attempt::accepted);
        assertThat(history.toJson().getJsonObject(0).getString("hash")).isEqualTo("newest");
    }
}
