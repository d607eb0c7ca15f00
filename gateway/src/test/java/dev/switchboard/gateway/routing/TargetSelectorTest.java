package dev.switchboard.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.ModelRoute.Target;

class TargetSelectorTest {

    private final TargetSelector selector = new TargetSelector();

    private static ModelRoute route(String strategy, Target... targets) {
        return new ModelRoute("m", List.of(), strategy, List.of(targets), List.of(), null);
    }

    private List<String> picks(ModelRoute route, int n) {
        List<String> picks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            picks.add(selector.select(route, "Weighted").provider());
        }
        return picks;
    }

    @Test
    void weightedIsSmoothAndExactPerCycle() {
        ModelRoute route = route("Weighted", new Target("a", "x", 5, 0), new Target("b", "x", 1, 0), new Target("c", "x", 1, 0));

        // nginx's reference sequence for weights 5,1,1.
        assertThat(picks(route, 7)).containsExactly("a", "a", "b", "a", "c", "a", "a");
    }

    @Test
    void priorityStaysInTheLowestTierAndWeighsWithinIt() {
        ModelRoute route = route("Priority", new Target("backup", "x", 9, 1), new Target("a", "x", 1, 0), new Target("b", "x", 1, 0));

        assertThat(picks(route, 4)).containsExactly("a", "b", "a", "b");
    }

    @Test
    void changedTargetsStartAFreshRotation() {
        picks(route("Weighted", new Target("a", "x", 1, 0), new Target("b", "x", 1, 0)), 1);

        assertThat(picks(route("Weighted", new Target("c", "x", 1, 0), new Target("d", "x", 1, 0)), 2)).containsExactly("c", "d");
    }

    @Test
    void strategiesWithoutAnImplementationYetBehaveLikeWeighted() {
        ModelRoute route = route("LowestLatency", new Target("a", "x", 2, 0), new Target("b", "x", 1, 0));

        assertThat(picks(route, 3)).containsExactly("a", "b", "a");
    }
}
