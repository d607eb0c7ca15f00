package dev.switchboard.gateway.console;

import java.time.Clock;
import java.time.Instant;

import dev.switchboard.gateway.record.RequestObserver;
import dev.switchboard.gateway.record.RequestRecord;
import jakarta.inject.Singleton;

/**
 * What the console keeps of the traffic this replica served, told as each request is settled: the recent
 * requests and the per-interval series behind the Overview charts. Both are fixed-size rings.
 */
@Singleton
public class ConsoleFeed implements RequestObserver {

    private final Clock clock = Clock.systemUTC();
    private final RecentRequests recent = new RecentRequests();
    private final TrafficSeries series = new TrafficSeries();

    /** A copy of a few fields and two short critical sections. */
    @Override
    public void requestFinished(RequestRecord record, long endNanos) {
        Instant now = clock.instant();
        RequestSummary summary = RequestSummary.of(record, now, endNanos);
        recent.add(summary);
        series.add(now.getEpochSecond(), summary);
    }

    RecentRequests recent() {
        return recent;
    }

    TrafficSeries series() {
        return series;
    }

    Instant now() {
        return clock.instant();
    }
}
