package dev.switchboard.gateway.routing;

import java.util.List;

import dev.switchboard.routing.ModelRoute.Target;

/**
 * Smooth weighted round robin (as in nginx): over any window of sum(weights) picks each target is chosen
 * exactly its weight times, interleaved rather than in bursts, so a 3:1 split never sends three in a row
 * to the heavy target while the light one idles.
 */
final class SmoothWeighted {

    private final List<Target> targets;
    private final long[] current;
    private final long total;

    SmoothWeighted(List<Target> targets) {
        this.targets = List.copyOf(targets);
        this.current = new long[targets.size()];
        this.total = targets.stream().mapToLong(Target::weight).sum();
    }

    List<Target> targets() {
        return targets;
    }

    synchronized Target next() {
        int best = 0;
        for (int i = 0; i < targets.size(); i++) {
            current[i] += targets.get(i).weight();
            if (current[i] > current[best]) {
                best = i;
            }
        }
        current[best] -= total;
        return targets.get(best);
    }
}
