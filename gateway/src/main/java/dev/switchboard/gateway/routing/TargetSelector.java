package dev.switchboard.gateway.routing;

import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.ModelRoute.Target;
import jakarta.inject.Singleton;

/**
 * Picks the target of a model route. Weighted is smooth weighted round robin; Priority uses only the lowest
 * priority tier, weighted within it. Until the resilience work adds health-aware strategies, RoundRobin,
 * LeastBusy, LowestLatency and LowestCost behave like Weighted, and Priority never leaves its first tier
 * (failover to the next tier comes with retries and circuit breakers).
 */
@Singleton
public class TargetSelector {

    /** Rotation state survives reloads as long as a route's candidate targets stay the same. */
    private final ConcurrentMap<String, SmoothWeighted> rotations = new ConcurrentHashMap<>();

    public Target select(ModelRoute route, String defaultStrategy) {
        String strategy = route.strategy() == null ? defaultStrategy : route.strategy();
        List<Target> candidates = "Priority".equals(strategy) ? lowestTier(route.targets()) : route.targets();
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        SmoothWeighted rotation = rotations.compute(route.name(),
                (name, existing) -> existing != null && existing.targets().equals(candidates) ? existing : new SmoothWeighted(candidates));
        return rotation.next();
    }

    private static List<Target> lowestTier(List<Target> targets) {
        int tier = targets.stream().min(Comparator.comparingInt(Target::priority)).orElseThrow().priority();
        return targets.stream().filter(t -> t.priority() == tier).toList();
    }
}
