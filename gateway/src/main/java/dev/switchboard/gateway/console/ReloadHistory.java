package dev.switchboard.gateway.console;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Singleton;

/**
 * The last {@link #CAPACITY} tables this replica tried to serve, accepted or rejected with the problems that
 * rejected them, for the console's Reloads page. Told by the reload service; bounded.
 */
@Singleton
public class ReloadHistory {

    static final int CAPACITY = 20;
    /** A rejection lists at most this many problems; the log has them all. */
    static final int MAX_PROBLEMS = 50;

    record Attempt(Instant at, boolean accepted, String hash, List<String> problems) {
    }

    private final Clock clock = Clock.systemUTC();
    private final Deque<Attempt> attempts = new ArrayDeque<>();

    public void accepted(String hash, List<String> warnings) {
        add(new Attempt(clock.instant(), true, hash, bounded(warnings)));
    }

    public void rejected(List<String> problems) {
        add(new Attempt(clock.instant(), false, null, bounded(problems)));
    }

    private synchronized void add(Attempt attempt) {
        if (attempts.size() == CAPACITY) {
            attempts.removeLast();
        }
        attempts.addFirst(attempt);
    }

    synchronized List<Attempt> newestFirst() {
        return new ArrayList<>(attempts);
    }

    JsonArray toJson() {
        JsonArray list = new JsonArray();
        for (Attempt attempt : newestFirst()) {
            list.add(new JsonObject().put("at", attempt.at().toString()).put("accepted", attempt.accepted())
                    .put("hash", attempt.hash()).put("problems", new JsonArray(new ArrayList<>(attempt.problems()))));
        }
        return list;
    }

    private static List<String> bounded(List<String> problems) {
        return problems == null ? List.of() : List.copyOf(problems.subList(0, Math.min(problems.size(), MAX_PROBLEMS)));
    }
}
