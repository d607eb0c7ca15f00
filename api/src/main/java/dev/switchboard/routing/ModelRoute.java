package dev.switchboard.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** One public model: its names, its upstream targets, how to pick among them and where to go when all fail. */
public record ModelRoute(
        String name,
        List<String> aliases,
        String strategy,
        List<Target> targets,
        List<String> fallbacks,
        Deprecation deprecation) {

    public static final List<String> STRATEGIES = List.of("RoundRobin", "Weighted", "Priority", "LeastBusy", "LowestLatency", "LowestCost");

    public ModelRoute {
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        targets = targets == null ? List.of() : List.copyOf(targets);
        fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
    }

    /** An upstream that can serve this model: the provider and the model name to send it. */
    public record Target(String provider, String model, int weight, int priority) {
    }

    public record Deprecation(String replacement, String sunset, String message) {
    }

    List<String> validate(Set<String> providerNames, Set<String> publicNames) {
        List<String> errors = new ArrayList<>();
        String at = "models[" + name + "]";
        if (!STRATEGIES.contains(strategy)) {
            errors.add(at + ".strategy: unknown strategy " + strategy);
        }
        if (targets.isEmpty()) {
            errors.add(at + ".targets: empty");
        }
        for (Target target : targets) {
            if (!providerNames.contains(target.provider())) {
                errors.add(at + ".targets: unknown provider " + target.provider());
            }
            if (target.weight() < 1 || target.priority() < 0) {
                errors.add(at + ".targets[" + target.provider() + "]: weight must be >= 1 and priority >= 0");
            }
        }
        for (String fallback : fallbacks) {
            if (!publicNames.contains(fallback)) {
                errors.add(at + ".fallbacks: unknown model " + fallback);
            }
        }
        return errors;
    }
}
