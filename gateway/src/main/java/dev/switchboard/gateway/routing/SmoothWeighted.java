package dev.switchboard.gateway.routing;

import java.util.List;
import java.util.function.Predicate;

import dev.switchboard.routing.ModelRoute.Target;

/**
 * Smooth weighted round robin (as in nginx): over any window of sum(weights) picks each target is chosen
 * exactly its weight times, interleaved rather than in bursts, so a 3:1 split never sends three in a row
 * to the heavy target while the light one idles. Targets that are unavailable sit a round out, as nginx skips
 * down peers, and the others share their turns in proportion.
 */
final class SmoothWeighted {

    private final List<Target> targets;
    private final long[] current;

    SmoothWeighted(List<Target> targets) {
        this.targets = List.copyOf(targets);
        this.current = new long[targets.size()];
    }

    List<Target> targets() {
        return targets;
    }

    /**
     * The position of the next eligible target in {@link #targets()}, or -1 when none is. A position, not the
     * target: a reload that keeps the same targets keeps this rotation, and the caller must use its own table's
     * target at that position rather than the equal one recorded from the older table.
     */
    synchronized int next(Predicate<Target> eligible) {
        int best = -1;
        long total = 0;
        for (int i = 0; i < targets.size(); i++) {
            Target target = targets.get(i);
            if (!eligible.test(target)) {
                continue;
            }
            current[i] += target.weight();
            total += target.weight();
            if (best < 0 || current[i] > current[best]) {
                best = i;
            }
        }
        if (best >= 0) {
            current[best] -= total;
        }
        return best;
    }
}
