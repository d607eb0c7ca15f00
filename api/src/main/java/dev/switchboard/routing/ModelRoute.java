package dev.switchboard.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One public model: its names, its upstream targets, how to pick among them and where to go when all fail.
 *
 * <p>A pattern route ({@code pattern} true) serves every public name its {@code name}, a glob, matches; its targets'
 * models are {@link ModelTemplate}s over the glob's captures, and {@code listed} names the public names its providers
 * are known to serve. {@link #resolve} turns it into the route one request takes.
 */
public record ModelRoute(
        String name,
        List<String> aliases,
        String strategy,
        List<Target> targets,
        List<String> fallbacks,
        Deprecation deprecation,
        Boolean pattern,
        List<String> listed) {

    public static final List<String> STRATEGIES = List.of("RoundRobin", "Weighted", "Priority", "LeastBusy", "LowestLatency", "LowestCost");

    public ModelRoute {
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        targets = targets == null ? List.of() : List.copyOf(targets);
        fallbacks = fallbacks == null ? List.of() : List.copyOf(fallbacks);
        pattern = Boolean.TRUE.equals(pattern) ? Boolean.TRUE : null;
        listed = pattern == null ? null : listed == null ? List.of() : List.copyOf(listed);
    }

    /** A route for one public name (no pattern). */
    public ModelRoute(String name, List<String> aliases, String strategy, List<Target> targets, List<String> fallbacks, Deprecation deprecation) {
        this(name, aliases, strategy, targets, fallbacks, deprecation, null, null);
    }

    /**
     * An upstream that can serve this model: the provider and the model name to send it.
     *
     * <p>In a pattern route, {@code model} is a template of the canonical name, and {@code known} (when the provider's
     * models are known) maps each canonical name the template can give to the provider's own spelling of it; a name
     * outside it is one the provider is known not to serve. A resolved target has the name to send as {@code model}
     * and the table's template as {@code template}.
     */
    public record Target(String provider, String model, int weight, int priority, Map<String, String> known, String template) {

        public Target {
            known = known == null ? null : Map.copyOf(known);
        }

        public Target(String provider, String model, int weight, int priority) {
            this(provider, model, weight, priority, null, null);
        }

        /** What this target's state (breaker, latency) is kept under: the table's name for it, never a request's. */
        public String stateKey() {
            return template != null ? template : model;
        }

        /**
         * The upstream model to show in logs: the name sent when the table knows it, the template when the name came
         * from a request alone.
         */
        public String label() {
            return template == null || known != null ? model : template;
        }
    }

    public record Deprecation(String replacement, String sunset, String message) {
    }

    public boolean servesPattern() {
        return pattern != null;
    }

    /**
     * The route a request for {@code requested} (a name this pattern route matches) takes: the same settings, the
     * requested name as its one alias, each target with the name to send upstream (template expanded, then spelled as
     * the provider spells it). Targets known not to serve the name are left out; null when none is left.
     */
    public ModelRoute resolve(String requested, List<String> captures, RoutingTable table) {
        List<Target> resolved = new ArrayList<>(targets.size());
        for (Target target : targets) {
            String canonical = ModelTemplate.of(target.model()).expand(captures);
            String upstream;
            if (target.known() != null) {
                upstream = target.known().get(canonical);
                if (upstream == null) {
                    continue;
                }
            } else {
                UpstreamProvider provider = table.provider(target.provider());
                upstream = provider == null ? canonical : provider.upstreamName(canonical);
            }
            resolved.add(new Target(target.provider(), upstream, target.weight(), target.priority(), target.known(), target.model()));
        }
        if (resolved.isEmpty()) {
            return null;
        }
        return new ModelRoute(name, List.of(requested), strategy, resolved, fallbacks, deprecation, true, null);
    }

    List<String> validate(Set<String> providerNames, Set<String> publicNames, List<ModelRoute> patterns) {
        List<String> errors = new ArrayList<>();
        String at = "models[" + name + "]";
        if (!STRATEGIES.contains(strategy)) {
            errors.add(at + ".strategy: unknown strategy " + strategy);
        }
        if (targets.isEmpty()) {
            errors.add(at + ".targets: empty");
        }
        int captures = servesPattern() ? ModelPattern.of(name).captures() : 0;
        for (Target target : targets) {
            if (!providerNames.contains(target.provider())) {
                errors.add(at + ".targets: unknown provider " + target.provider());
            }
            if (target.weight() < 1 || target.priority() < 0) {
                errors.add(at + ".targets[" + target.provider() + "]: weight must be >= 1 and priority >= 0");
            }
            if (target.template() != null) {
                errors.add(at + ".targets[" + target.provider() + "]: template belongs to resolved routes, not to a table");
            }
            if (servesPattern()) {
                String problem = ModelTemplate.of(target.model()).problemWith(captures);
                if (problem != null) {
                    errors.add(at + ".targets[" + target.provider() + "].model: " + problem);
                }
            } else if (target.known() != null || ModelTemplate.isTemplate(target.model())) {
                errors.add(at + ".targets[" + target.provider() + "]: a template or known names need a pattern route");
            }
        }
        if (servesPattern() && (!ModelPattern.isGlob(name) || !aliases.isEmpty())) {
            errors.add(at + ": a pattern route needs a glob as its name and has no aliases");
        }
        for (String fallback : fallbacks) {
            if (!publicNames.contains(fallback) && patterns.stream().noneMatch(p -> ModelPattern.of(p.name()).match(fallback) != null)) {
                errors.add(at + ".fallbacks: unknown model " + fallback);
            }
        }
        return errors;
    }
}
