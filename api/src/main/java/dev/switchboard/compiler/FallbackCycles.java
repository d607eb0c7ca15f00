package dev.switchboard.compiler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Finds fallback chains that lead back to where they started. */
final class FallbackCycles {

    private FallbackCycles() {
    }

    /** The cycle through `start` as a path start → … → start, if there is one. */
    static Optional<List<String>> through(String start, Map<String, List<String>> fallbacks) {
        Deque<List<String>> paths = new ArrayDeque<>();
        paths.add(List.of(start));
        Set<String> visited = new HashSet<>();
        while (!paths.isEmpty()) {
            List<String> path = paths.poll();
            String last = path.get(path.size() - 1);
            for (String next : fallbacks.getOrDefault(last, List.of())) {
                List<String> longer = new ArrayList<>(path);
                longer.add(next);
                if (next.equals(start)) {
                    return Optional.of(longer);
                }
                if (visited.add(next)) {
                    paths.add(longer);
                }
            }
        }
        return Optional.empty();
    }
}
