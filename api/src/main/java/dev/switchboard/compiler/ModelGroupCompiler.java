package dev.switchboard.compiler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.switchboard.api.v1alpha1.LabelSelector;
import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.ModelGroupSpec;
import dev.switchboard.api.v1alpha1.Strategy;
import dev.switchboard.routing.ModelRoute;

/**
 * Resolves one ModelGroup's targets against the compiled providers. Name conflicts and fallbacks involve
 * other groups, so they are settled afterwards by {@link RoutingCompiler}.
 */
final class ModelGroupCompiler {

    private static final Comparator<ModelRoute.Target> TARGET_ORDER = Comparator.comparingInt(ModelRoute.Target::priority)
            .thenComparing(ModelRoute.Target::provider)
            .thenComparing(ModelRoute.Target::model);

    private ModelGroupCompiler() {
    }

    /** A group with its targets resolved; route is null when the group cannot be served at all. */
    record Candidate(ModelGroup resource, ModelRoute route, Problems problems) {
    }

    static Candidate compile(ModelGroup group, Map<String, ProviderCompiler.Resolved> providers, Strategy defaultStrategy, Problems problems) {
        ModelGroupSpec spec = group.getSpec();
        if (spec == null || !Names.isModelName(spec.model())) {
            problems.error("spec.model", ProblemReason.InvalidValue, "spec.model must be a model name, got " + (spec == null ? null : spec.model()));
            return new Candidate(group, null, problems);
        }
        String publicModel = spec.model();
        List<ModelRoute.Target> targets = new ArrayList<>();
        List<ModelGroupSpec.Target> declared = spec.targets() == null ? List.of() : spec.targets();
        for (int i = 0; i < declared.size(); i++) {
            explicitTarget(declared.get(i), "spec.targets[" + i + "]", publicModel, providers, problems, targets);
        }
        if (spec.aggregate() != null) {
            aggregateTargets(spec.aggregate(), publicModel, providers, targets);
        }
        if (declared.isEmpty() && spec.aggregate() == null) {
            problems.error("spec.targets", ProblemReason.NoUsableTargets, "a ModelGroup needs spec.targets or spec.aggregate");
        } else if (targets.isEmpty()) {
            problems.error(declared.isEmpty() ? "spec.aggregate" : "spec.targets", ProblemReason.NoUsableTargets,
                    "no usable target remains for model " + publicModel);
        }
        Strategy strategy = spec.strategy() != null ? spec.strategy() : defaultStrategy;
        if (strategy == Strategy.LowestCost) {
            for (ModelRoute.Target target : targets) {
                if (providers.get(target.provider()).entry().priceOf(target.model()) == null) {
                    problems.error("spec.strategy", ProblemReason.UnsupportedCombination,
                            "LowestCost needs pricing for every target; Provider " + target.provider() + " has none for " + target.model());
                }
            }
        }
        List<String> aliases = validNames(spec.aliases(), "spec.aliases", publicModel, problems);
        List<String> fallbacks = validNames(spec.fallbacks(), "spec.fallbacks", publicModel, problems);
        if (problems.hasErrors()) {
            return new Candidate(group, null, problems);
        }
        var deprecation = spec.deprecation() == null ? null
                : new ModelRoute.Deprecation(spec.deprecation().replacement(), spec.deprecation().sunset(), spec.deprecation().message());
        targets.sort(TARGET_ORDER);
        var route = new ModelRoute(publicModel, aliases.stream().sorted().toList(), strategy.name(), targets, fallbacks, deprecation);
        return new Candidate(group, route, problems);
    }

    private static void explicitTarget(ModelGroupSpec.Target target, String field, String publicModel,
            Map<String, ProviderCompiler.Resolved> providers, Problems problems, List<ModelRoute.Target> into) {
        String model = target.model() != null ? target.model() : publicModel;
        ProviderCompiler.Resolved provider = target.provider() == null ? null : providers.get(target.provider());
        int weight = target.weight() != null ? target.weight() : 1;
        int priority = target.priority() != null ? target.priority() : 0;
        if (provider == null) {
            problems.warning(field + ".provider", ProblemReason.UnknownProvider, "Provider " + target.provider() + " does not exist; target dropped");
        } else if (!provider.usable()) {
            problems.warning(field + ".provider", ProblemReason.ProviderUnavailable, "Provider " + target.provider() + " has errors; target dropped");
        } else if (!Names.isModelName(model)) {
            problems.warning(field + ".model", ProblemReason.InvalidValue, "not a model name: " + model + "; target dropped");
        } else if (!provider.serves(model)) {
            problems.warning(field + ".model", ProblemReason.ModelNotServed,
                    "Provider " + target.provider() + " is known not to serve " + model + "; target dropped");
        } else if (weight < 1 || weight > 1000 || priority < 0 || priority > 100) {
            problems.warning(field, ProblemReason.InvalidValue, "weight must be 1..1000 and priority 0..100; target dropped");
        } else if (into.stream().anyMatch(t -> t.provider().equals(target.provider()) && t.model().equals(model))) {
            problems.warning(field, ProblemReason.InvalidValue, "duplicate target " + target.provider() + "/" + model + "; dropped");
        } else {
            into.add(new ModelRoute.Target(target.provider(), model, weight, priority));
        }
    }

    /** Aggregates pick only providers known to serve the model: a provider that may not serve it is not guessed at. */
    private static void aggregateTargets(ModelGroupSpec.Aggregate aggregate, String publicModel,
            Map<String, ProviderCompiler.Resolved> providers, List<ModelRoute.Target> into) {
        String model = aggregate.model() != null ? aggregate.model() : publicModel;
        int weight = aggregate.weight() != null ? aggregate.weight() : 1;
        int priority = aggregate.priority() != null ? aggregate.priority() : 0;
        for (ProviderCompiler.Resolved provider : providers.values()) {
            boolean selected = LabelSelector.matches(aggregate.providerSelector(), provider.resource().getMetadata().getLabels());
            String name = provider.resource().getMetadata().getName();
            boolean alreadyTargeted = into.stream().anyMatch(t -> t.provider().equals(name) && t.model().equals(model));
            if (selected && provider.usable() && provider.knownModels().contains(model) && !alreadyTargeted) {
                into.add(new ModelRoute.Target(name, model, weight, priority));
            }
        }
    }

    private static List<String> validNames(List<String> names, String field, String publicModel, Problems problems) {
        if (names == null) {
            return List.of();
        }
        Set<String> valid = new LinkedHashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (!Names.isModelName(name)) {
                problems.warning(field + "[" + i + "]", ProblemReason.InvalidValue, "not a model name, ignored: " + name);
            } else if (name.equals(publicModel)) {
                problems.warning(field + "[" + i + "]", ProblemReason.InvalidValue, "repeats spec.model, ignored");
            } else {
                valid.add(name);
            }
        }
        return List.copyOf(valid);
    }
}
