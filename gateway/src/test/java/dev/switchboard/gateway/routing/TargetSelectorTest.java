package dev.switchboard.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.ModelRoute.Target;

/** Strategies, distribution and affinity, against a view whose health and load the test controls. */
class TargetSelectorTest {

    static final int SELECTIONS = 10_000;

    private final TargetSelector selector = new TargetSelector();

    /** A controllable view: unavailable targets, in-flight counts, latencies and prices by provider name. */
    static final class View implements TargetView {
        final Set<String> down = new HashSet<>();
        final Map<String, Integer> inFlight = new HashMap<>();
        final Map<String, Double> latency = new HashMap<>();
        final Map<String, Double> price = new HashMap<>();

        @Override
        public boolean available(Target target) {
            return !down.contains(target.provider());
        }

        @Override
        public int inFlight(Target target) {
            return inFlight.getOrDefault(target.provider(), 0);
        }

        @Override
        public double latencyMs(Target target) {
            return latency.getOrDefault(target.provider(), Double.NaN);
        }

        @Override
        public double price(Target target) {
            return price.getOrDefault(target.provider(), Double.POSITIVE_INFINITY);
        }
    }

    private final View view = new View();

    private static ModelRoute route(String strategy, Target... targets) {
        return new ModelRoute("m", List.of(), strategy, List.of(targets), List.of(), null);
    }

    private List<String> firsts(ModelRoute route, int n) {
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            picks.add(selector.order(route, "Weighted", view, null).get(0).provider());
        }
        return picks;
    }

    private static Map<String, Integer> counts(List<String> picks) {
        Map<String, Integer> counts = new HashMap<>();
        picks.forEach(p -> counts.merge(p, 1, Integer::sum));
        return counts;
    }

    @Test
    void aReloadThatKeepsTheTargetsNeverListsOneTwice() {
        for (String strategy : List.of("Weighted", "Priority")) {
            selector.order(route(strategy, new Target("a", "x", 100, 0), new Target("b", "x", 1, 0)), "Weighted", view, null);
            // The reloaded table's targets are equal to the old ones but new records.
            ModelRoute reloaded = route(strategy, new Target("a", "x", 100, 0), new Target("b", "x", 1, 0));

            List<Target> order = selector.order(reloaded, "Weighted", view, null);

            assertThat(order).as(strategy).hasSize(2).doesNotHaveDuplicates();
            assertThat(order.get(0)).as(strategy + ": the reloaded table's own target").isSameAs(reloaded.targets().get(0));
        }
    }

    @Test
    void weightedIsSmoothAndExactPerCycle() {
        ModelRoute route = route("Weighted", new Target("a", "x", 5, 0), new Target("b", "x", 1, 0), new Target("c", "x", 1, 0));

        // nginx's reference sequence for weights 5,1,1.
        assertThat(firsts(route, 7)).containsExactly("a", "a", "b", "a", "c", "a", "a");
    }

    @Test
    void weightsHoldWithinFivePercentOverTenThousandSelections() {
        ModelRoute route = route("Weighted", new Target("a", "x", 6, 0), new Target("b", "x", 3, 0), new Target("c", "x", 1, 0));

        Map<String, Integer> counts = counts(firsts(route, SELECTIONS));

        assertThat(counts.get("a") / (double) SELECTIONS).isCloseTo(0.6, within(0.6 * 0.05));
        assertThat(counts.get("b") / (double) SELECTIONS).isCloseTo(0.3, within(0.3 * 0.05));
        assertThat(counts.get("c") / (double) SELECTIONS).isCloseTo(0.1, within(0.1 * 0.05));
    }

    @Test
    void anUnavailableTargetIsLeftOutAndTheOthersKeepTheirRatio() {
        ModelRoute route = route("Weighted", new Target("a", "x", 2, 0), new Target("b", "x", 1, 0), new Target("c", "x", 5, 0));
        view.down.add("c");

        Map<String, Integer> counts = counts(firsts(route, SELECTIONS));

        assertThat(counts).doesNotContainKey("c");
        assertThat(counts.get("a") / (double) SELECTIONS).isCloseTo(2 / 3.0, within(2 / 3.0 * 0.05));
        assertThat(selector.order(route, "Weighted", view, null)).extracting(Target::provider).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void theRestOfTheOrderIsWhereTheRequestFailsOverTo() {
        ModelRoute route = route("Weighted", new Target("a", "x", 1, 0), new Target("b", "x", 3, 0), new Target("c", "x", 2, 0));

        List<Target> order = selector.order(route, "Weighted", view, null);

        assertThat(order).hasSize(3);
        assertThat(order.subList(1, 3).get(0).weight()).isGreaterThanOrEqualTo(order.subList(1, 3).get(1).weight());
    }

    @Test
    void roundRobinRotatesEvenly() {
        ModelRoute route = route("RoundRobin", new Target("a", "x", 9, 0), new Target("b", "x", 1, 0), new Target("c", "x", 1, 0));

        Map<String, Integer> counts = counts(firsts(route, 3_000));

        assertThat(counts).containsEntry("a", 1_000).containsEntry("b", 1_000).containsEntry("c", 1_000);
    }

    @Test
    void priorityStaysInTheLowestTierAndWeighsWithinIt() {
        ModelRoute route = route("Priority", new Target("backup", "x", 9, 1), new Target("a", "x", 1, 0), new Target("b", "x", 1, 0));

        assertThat(firsts(route, 4)).containsExactly("a", "b", "a", "b");
        assertThat(selector.order(route, "Weighted", view, null)).extracting(Target::provider).endsWith("backup");
    }

    @Test
    void prioritySpillsOverOnlyWhenTheWholeTopTierIsUnavailable() {
        ModelRoute route = route("Priority", new Target("backup", "x", 1, 1), new Target("a", "x", 1, 0), new Target("b", "x", 1, 0));

        view.down.add("a");
        assertThat(counts(firsts(route, 100))).containsOnlyKeys("b");

        view.down.add("b");
        assertThat(counts(firsts(route, 100))).containsOnlyKeys("backup");

        view.down.clear();
        assertThat(counts(firsts(route, 100))).containsOnlyKeys("a", "b");
    }

    @Test
    void leastBusyPrefersFewestInFlightAndSpreadsTies() {
        ModelRoute route = route("LeastBusy", new Target("a", "x", 1, 0), new Target("b", "x", 1, 0), new Target("c", "x", 1, 0));
        view.inFlight.putAll(Map.of("a", 7, "b", 2, "c", 5));

        assertThat(selector.order(route, "Weighted", view, null)).extracting(Target::provider).containsExactly("b", "c", "a");

        view.inFlight.clear();
        assertThat(counts(firsts(route, 300))).containsEntry("a", 100).containsEntry("b", 100).containsEntry("c", 100);
    }

    @Test
    void lowestLatencyPrefersTheFasterTargetAndStillExplores() {
        ModelRoute route = route("LowestLatency", new Target("slow", "x", 1, 0), new Target("fast", "x", 1, 0));
        view.latency.putAll(Map.of("slow", 400.0, "fast", 40.0));

        Map<String, Integer> counts = counts(firsts(route, SELECTIONS));

        // Exploration sends about TargetSelector.EXPLORE of the requests to the slower target first.
        assertThat(counts.get("fast")).isGreaterThan((int) (SELECTIONS * 0.9));
        assertThat(counts.get("slow")).isPositive();
    }

    @Test
    void lowestLatencyTriesATargetWithoutSamplesFirst() {
        ModelRoute route = route("LowestLatency", new Target("known", "x", 1, 0), new Target("new", "x", 1, 0));
        view.latency.put("known", 5.0);

        assertThat(counts(firsts(route, 1_000)).get("new")).isGreaterThan(900);
    }

    @Test
    void lowestCostPrefersTheCheapestTarget() {
        ModelRoute route = route("LowestCost", new Target("dear", "x", 1, 0), new Target("cheap", "x", 1, 0), new Target("mid", "x", 1, 0));
        view.price.putAll(Map.of("dear", 20.0, "cheap", 3.0, "mid", 8.0));

        assertThat(selector.order(route, "Weighted", view, null)).extracting(Target::provider).containsExactly("cheap", "mid", "dear");
    }

    @Test
    void theRouteStrategyOverridesThePolicyDefault() {
        ModelRoute route = new ModelRoute("m", List.of(), null, List.of(new Target("a", "x", 3, 0), new Target("b", "x", 1, 0)), List.of(), null);

        assertThat(counts(firsts(route, 400))).containsEntry("a", 300).containsEntry("b", 100);
        ModelRoute roundRobin = route("RoundRobin", new Target("a", "x", 3, 0), new Target("b", "x", 1, 0));
        assertThat(counts(firsts(roundRobin, 400))).containsEntry("a", 200).containsEntry("b", 200);
    }

    @Test
    void aSessionSticksToOneTargetAndMovesOnlyWhenItIsUnavailable() {
        ModelRoute route = route("RoundRobin", new Target("a", "x", 1, 0), new Target("b", "x", 1, 0), new Target("c", "x", 1, 0));
        Map<String, String> home = new HashMap<>();
        for (int s = 0; s < 300; s++) {
            String session = "session-" + s;
            String first = selector.order(route, "Weighted", view, session).get(0).provider();
            assertThat(selector.order(route, "Weighted", view, session).get(0).provider()).isEqualTo(first);
            home.put(session, first);
        }
        // Sessions spread over the targets (about a third each), not all on one.
        assertThat(counts(new ArrayList<>(home.values())).values()).allSatisfy(n -> assertThat(n).isBetween(60, 140));

        view.down.add("a");
        home.forEach((session, target) -> {
            String now = selector.order(route, "Weighted", view, session).get(0).provider();
            if (target.equals("a")) {
                assertThat(now).isIn("b", "c");
            } else {
                assertThat(now).as("sessions of healthy targets stay").isEqualTo(target);
            }
        });
    }

    @Test
    void changedTargetsStartAFreshRotation() {
        firsts(route("Weighted", new Target("a", "x", 1, 0), new Target("b", "x", 1, 0)), 1);

        assertThat(firsts(route("Weighted", new Target("c", "x", 1, 0), new Target("d", "x", 1, 0)), 2)).containsExactly("c", "d");
    }
}
