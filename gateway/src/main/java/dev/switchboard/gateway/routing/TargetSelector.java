package dev.switchboard.gateway.routing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.ModelRoute.Target;
import jakarta.inject.Singleton;

/**
 * Orders the targets of a model route for one request: the first is the strategy's choice, the rest are where
 * the request fails over to, in the strategy's order of preference. Unavailable targets are left out.
 * <ul>
 * <li>RoundRobin: each request starts one target further.</li>
 * <li>Weighted: smooth weighted round robin among the available targets; then by weight.</li>
 * <li>Priority: the lowest tier first, weighted within it; the next tier only after every target of the tier
 * above (so it spills over only when a tier is unavailable or failed).</li>
 * <li>LeastBusy: fewest requests in flight from this gateway; ties in rotation.</li>
 * <li>LowestLatency: lowest moving average of time to first byte; a target without samples comes first, and
 * {@link #EXPLORE} of requests start at a random other target, so a target that recovered is noticed.</li>
 * <li>LowestCost: lowest declared price; ties in rotation.</li>
 * </ul>
 * With a session key, the available target it hashes to (rendezvous hashing, weighted) within the first
 * choice's tier goes first, so a session sticks to one target while that target is healthy and only the
 * sessions of a failed target move.
 */
@Singleton
public class TargetSelector {

    /** Share of LowestLatency requests that try a random target first. */
    static final double EXPLORE = 0.05;

    /** Rotation state survives reloads as long as a route's candidate targets stay the same. */
    private final ConcurrentMap<String, SmoothWeighted> rotations = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicLong> counters = new ConcurrentHashMap<>();

    public List<Target> order(ModelRoute route, String defaultStrategy, TargetView view, String sessionKey) {
        String strategy = route.strategy() == null ? defaultStrategy : route.strategy();
        List<Target> available = new ArrayList<>(route.targets().size());
        for (Target target : route.targets()) {
            if (view.available(target)) {
                available.add(target);
            }
        }
        if (available.size() <= 1) {
            return available;
        }
        List<Target> ordered = switch (strategy) {
            case "RoundRobin" -> rotated(route.name(), available);
            case "Priority" -> byTier(route, available);
            case "LeastBusy" -> sortedWithTies(route.name(), available, Comparator.comparingInt(view::inFlight));
            case "LowestLatency" -> lowestLatency(route.name(), available, view);
            case "LowestCost" -> sortedWithTies(route.name(), available, Comparator.comparingDouble(view::price));
            default -> weighted(route.name(), route.targets(), available);
        };
        return sessionKey == null ? ordered : withAffinity(ordered, sessionKey);
    }

    private List<Target> weighted(String key, List<Target> all, List<Target> available) {
        SmoothWeighted rotation = rotations.compute(key,
                (name, existing) -> existing != null && existing.targets().equals(all) ? existing : new SmoothWeighted(all));
        Target first = all.get(rotation.next(available::contains));
        List<Target> ordered = new ArrayList<>(available.size());
        ordered.add(first);
        available.stream().filter(t -> t != first).sorted(Comparator.comparingInt(Target::weight).reversed()).forEach(ordered::add);
        return ordered;
    }

    private List<Target> byTier(ModelRoute route, List<Target> available) {
        List<Target> ordered = new ArrayList<>(available.size());
        available.stream().mapToInt(Target::priority).distinct().sorted().forEach(tier -> {
            List<Target> all = route.targets().stream().filter(t -> t.priority() == tier).toList();
            List<Target> inTier = available.stream().filter(t -> t.priority() == tier).toList();
            ordered.addAll(inTier.size() == 1 ? inTier : weighted(route.name() + "#" + tier, all, new ArrayList<>(inTier)));
        });
        return ordered;
    }

    private List<Target> rotated(String key, List<Target> available) {
        int start = (int) Math.floorMod(counters.computeIfAbsent(key, k -> new AtomicLong()).getAndIncrement(), (long) available.size());
        List<Target> ordered = new ArrayList<>(available.size());
        for (int i = 0; i < available.size(); i++) {
            ordered.add(available.get((start + i) % available.size()));
        }
        return ordered;
    }

    /** Sorted by the metric; equal targets in rotation, so ties spread instead of piling on the first. */
    private List<Target> sortedWithTies(String key, List<Target> available, Comparator<Target> metric) {
        List<Target> ordered = rotated(key, available);
        ordered.sort(metric);
        return ordered;
    }

    private List<Target> lowestLatency(String key, List<Target> available, TargetView view) {
        // NaN (no sample yet) sorts first: an unmeasured target is tried once rather than never.
        List<Target> ordered = sortedWithTies(key, available, Comparator.comparingDouble(t -> {
            double ms = view.latencyMs(t);
            return Double.isNaN(ms) ? -1 : ms;
        }));
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (random.nextDouble() < EXPLORE) {
            ordered.add(0, ordered.remove(1 + random.nextInt(ordered.size() - 1)));
        }
        return ordered;
    }

    private static List<Target> withAffinity(List<Target> ordered, String sessionKey) {
        int tier = ordered.get(0).priority();
        Predicate<Target> sameTier = t -> t.priority() == tier;
        Target best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (Target target : ordered) {
            if (!sameTier.test(target)) {
                continue;
            }
            double score = rendezvousScore(sessionKey, target);
            if (score > bestScore) {
                best = target;
                bestScore = score;
            }
        }
        List<Target> result = new ArrayList<>(ordered);
        result.remove(best);
        result.add(0, best);
        return result;
    }

    /** Weighted rendezvous hashing: -weight / ln(u) with u uniform in (0,1) from a hash of key and target. */
    static double rendezvousScore(String sessionKey, Target target) {
        long hash = fnv1a(sessionKey + '\u0000' + target.provider() + '\u0000' + target.model());
        double unit = ((hash >>> 11) + 0.5) / (double) (1L << 53);
        return -target.weight() / Math.log(unit);
    }

    private static long fnv1a(String value) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        // Final avalanche (murmur3's fmix64): FNV's low bits alone mix poorly for short similar keys.
        hash ^= hash >>> 33;
        hash *= 0xff51afd7ed558ccdL;
        hash ^= hash >>> 33;
        hash *= 0xc4ceb9fe1a85ec53L;
        hash ^= hash >>> 33;
        return hash;
    }
}
