package dev.switchboard.gateway.console;

import java.util.ArrayList;
import java.util.List;

/** The last {@link #CAPACITY} finished requests, newest first; a fixed ring, so memory stays bounded under any load. */
final class RecentRequests {

    static final int CAPACITY = 500;

    private final RequestSummary[] ring = new RequestSummary[CAPACITY];
    private long written;

    synchronized void add(RequestSummary summary) {
        ring[(int) (written++ % CAPACITY)] = summary;
    }

    synchronized List<RequestSummary> newestFirst() {
        int count = (int) Math.min(written, CAPACITY);
        List<RequestSummary> list = new ArrayList<>(count);
        for (long i = written - 1; i >= written - count; i--) {
            list.add(ring[(int) (i % CAPACITY)]);
        }
        return list;
    }
}
