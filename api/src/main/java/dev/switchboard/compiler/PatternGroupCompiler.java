package dev.switchboard.compiler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.switchboard.api.v1alpha1.LabelSelector;
import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.ModelGroupSpec;
import dev.switchboard.api.v1alpha1.Strategy;
import dev.switchboard.routing.Globs;
import dev.switchboard.routing.ModelPattern;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.ModelTemplate;

/**
 * Resolves a pattern ModelGroup (spec.modelPattern): each target's model becomes a template over the pattern's captures,
 * and for a provider whose models are known, the canonical names it can give that the provider serves (with the
 * provider's spelling of each). The public names those come from are the ones the group lists. Precedence among
 * patterns involves other groups and is settled by {@link RoutingCompiler}.
 */
final class PatternGroupCompiler {

    private PatternGroupCompiler() {
    }

    static ModelGroupCompiler.Candidate compile(ModelGroup group, Map<String, ProviderCompiler.Resolved> providers, Strategy defaultStrategy,
            Problems problems) {
        ModelGroupSpec spec = group.getSpec();
        String glob = spec.modelPattern();
        if (spec.model() != null) {
            problems.error("spec.model", ProblemReason.InvalidValue, "a ModelGroup needs exactly one of spec.model and spec.modelPattern");
            return new ModelGroupCompiler.Candidate(group, null, problems);
        }
        if (!Names.isModelGlob(glob) || !ModelPattern.isGlob(glob)) {
            problems.error("spec.modelPattern", ProblemReason.InvalidValue,
                    "spec.modelPattern must be a glob of model names with a wildcard (* or ?), got " + glob);
            return new ModelGroupCompiler.Candidate(group, null, problems);
        }
        ModelPattern pattern = ModelPattern.of(glob);
        if (spec.aliases() != null && !spec.aliases().isEmpty()) {
            problems.warning("spec.aliases", ProblemReason.InvalidValue,
                    "a pattern ModelGroup has no aliases (exact names belong to groups of their own, which win over patterns); aliases ignored");
        }
        List<ModelRoute.Target> targets = new ArrayList<>();
        List<ModelGroupSpec.Target> declared = spec.targets() == null ? List.of() : spec.targets();
        for (int i = 0; i < declared.size(); i++) {
            explicitTarget(declared.get(i), "spec.targets[" + i + "]", pattern, providers, problems, targets);
        }
        if (spec.aggregate() != null) {
            aggregateTargets(spec.aggregate(), pattern, providers, problems, targets);
        }
        ModelGroupCompiler.checkTargetCount(spec, glob, targets, problems);
        Strategy strategy = spec.strategy() != null ? spec.strategy() : defaultStrategy;
        if (strategy == Strategy.LowestCost) {
            for (ModelRoute.Target target : targets) {
                String unpriced = unpriced(providers.get(target.provider()), target, pattern);
                if (unpriced != null) {
                    problems.error("spec.strategy", ProblemReason.UnsupportedCombination,
                            "LowestCost needs pricing for every target; Provider " + target.provider() + " has none for " + unpriced);
                }
            }
        }
        List<String> fallbacks = ModelGroupCompiler.validNames(spec.fallbacks(), "spec.fallbacks", null, problems);
        if (problems.hasErrors()) {
            return new ModelGroupCompiler.Candidate(group, null, problems);
        }
        targets.sort(ModelGroupCompiler.TARGET_ORDER);
        var route = new ModelRoute(glob, List.of(), strategy.name(), targets, fallbacks, ModelGroupCompiler.deprecation(spec), true,
                listed(pattern, targets));
        return new ModelGroupCompiler.Candidate(group, route, problems);
    }

    private static void explicitTarget(ModelGroupSpec.Target target, String field, ModelPattern pattern,
            Map<String, ProviderCompiler.Resolved> providers, Problems problems, List<ModelRoute.Target> into) {
        ProviderCompiler.Resolved provider = ModelGroupCompiler.usableProvider(target.provider(), field, providers, problems);
        if (provider == null) {
            return;
        }
        String template = template(target.model(), field + ".model", pattern, problems);
        int weight = target.weight() != null ? target.weight() : 1;
        int priority = target.priority() != null ? target.priority() : 0;
        if (template == null) {
            return;
        }
        if (weight < 1 || weight > 1000 || priority < 0 || priority > 100) {
            problems.warning(field, ProblemReason.InvalidValue, "weight must be 1..1000 and priority 0..100; target dropped");
            return;
        }
        if (into.stream().anyMatch(t -> t.provider().equals(target.provider()) && t.model().equals(template))) {
            problems.warning(field, ProblemReason.InvalidValue, "duplicate target " + target.provider() + "/" + template + "; dropped");
            return;
        }
        Map<String, String> known = known(provider, template, pattern);
        if (known != null && known.isEmpty()) {
            problems.warning(field + ".model", ProblemReason.ModelNotServed, "Provider " + target.provider()
                    + " is known to serve no model that " + pattern.glob() + " with model " + template + " asks for; target dropped");
            return;
        }
        into.add(new ModelRoute.Target(target.provider(), template, weight, priority, known, null));
    }

    /** Every selected provider known to serve some name of the pattern; providers without a model list are not guessed at. */
    private static void aggregateTargets(ModelGroupSpec.Aggregate aggregate, ModelPattern pattern,
            Map<String, ProviderCompiler.Resolved> providers, Problems problems, List<ModelRoute.Target> into) {
        String template = template(aggregate.model(), "spec.aggregate.model", pattern, problems);
        if (template == null) {
            return;
        }
        int weight = aggregate.weight() != null ? aggregate.weight() : 1;
        int priority = aggregate.priority() != null ? aggregate.priority() : 0;
        for (ProviderCompiler.Resolved provider : providers.values()) {
            String name = provider.resource().getMetadata().getName();
            if (!LabelSelector.matches(aggregate.providerSelector(), provider.resource().getMetadata().getLabels()) || !provider.usable()
                    || into.stream().anyMatch(t -> t.provider().equals(name) && t.model().equals(template))) {
                continue;
            }
            Map<String, String> known = known(provider, template, pattern);
            if (known != null && !known.isEmpty()) {
                into.add(new ModelRoute.Target(name, template, weight, priority, known, null));
            }
        }
    }

    /** The target's template (by default the requested name itself), or null with a warning when it does not fit the pattern. */
    private static String template(String declared, String field, ModelPattern pattern, Problems problems) {
        String template = declared != null ? declared : pattern.identityTemplate();
        String problem = !Names.isModelTemplate(template) ? "not a model name or template: " + template
                : ModelTemplate.of(template).problemWith(pattern.captures());
        if (problem != null) {
            problems.warning(field, ProblemReason.InvalidValue, problem + "; target dropped");
            return null;
        }
        return template;
    }

    /**
     * The canonical names the template can give that the provider is known to serve, each with the provider's spelling;
     * null when the provider's models are not known. A canonical name counts when some name of the pattern expands to
     * it (decided exactly when the template uses every capture once, else by the template's glob).
     */
    private static Map<String, String> known(ProviderCompiler.Resolved provider, String template, ModelPattern pattern) {
        if (provider.knownModels().isEmpty()) {
            return null;
        }
        ModelTemplate parsed = ModelTemplate.of(template);
        boolean invertible = parsed.invertibleFor(pattern);
        ModelPattern reachable = ModelPattern.of(parsed.asGlob(pattern));
        Map<String, String> known = new TreeMap<>();
        provider.canonicalModels().forEach((canonical, spelled) -> {
            boolean fits = invertible ? parsed.invert(pattern, canonical) != null : reachable.match(canonical) != null;
            if (fits) {
                known.put(canonical, spelled);
            }
        });
        return known;
    }

    /** The public names the group is known to serve: those whose expansion a target's provider serves. */
    private static List<String> listed(ModelPattern pattern, List<ModelRoute.Target> targets) {
        TreeSet<String> names = new TreeSet<>();
        for (ModelRoute.Target target : targets) {
            if (target.known() == null) {
                continue;
            }
            ModelTemplate template = ModelTemplate.of(target.model());
            for (String canonical : target.known().keySet()) {
                String name = template.invert(pattern, canonical);
                if (name != null) {
                    names.add(name);
                }
            }
        }
        return List.copyOf(names);
    }

    /** A model of the target LowestCost could not price, or null when every one it can ask for has a price. */
    private static String unpriced(ProviderCompiler.Resolved provider, ModelRoute.Target target, ModelPattern pattern) {
        if (target.known() != null) {
            return target.known().values().stream().filter(spelled -> provider.entry().priceOf(spelled) == null).findFirst().orElse(null);
        }
        String reachable = ModelTemplate.of(target.model()).asGlob(pattern);
        boolean covered = provider.entry().pricing().stream().anyMatch(price -> Globs.covers(price.model(), reachable));
        return covered ? null : reachable;
    }
}
