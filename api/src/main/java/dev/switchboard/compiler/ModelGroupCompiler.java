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
import dev.switchboard.routing.ModelTemplate;

/**
 * Resolves one ModelGroup's targets against the compiled providers. Name conflicts and fallbacks involve
 * other groups, so they are settled afterwards by {@link RoutingCompiler}.
 */
final class ModelGroupCompiler {

    static final Comparator<ModelRoute.Target> TARGET_ORDER = Comparator.comparingInt(ModelRoute.Target::priority)
            .thenComparing(ModelRoute.Target::provider)
            .thenComparing(ModelRoute.Target::model);

    private ModelGroupCompiler() {
    }

    /** A group with its targets resolved; route is null when the group cannot be served at all. */
    record Candidate(ModelGroup resource, ModelRoute route, Problems problems) {
    }

    static Candidate compile(ModelGroup group, Map<String, ProviderCompiler.Resolved> providers, Strategy defaultStrategy, Problems problems) {
        ModelGroupSpec spec = group.getSpec();
        if (spec != null && spec.modelPattern() != null) {
            return PatternGroupCompiler.compile(group, providers, defaultStrategy, problems);
        }
        if (spec == null || !Names.isModelName(spec.model())) {
            problems.error("spec.model", ProblemReason.InvalidValue, "spec.model or spec.modelPattern is required, and spec.model must be a model name, got "
                    + (spec == null ? null : spec.model()));
            return new Candidate(group, null, problems);
        }
        String publicModel = spec.model();
        List<ModelRoute.Target> targets = new ArrayList<>();
        List<ModelGroupSpec.Target> declared = spec.targets() == null ? List.of() : spec.targets();
        for (int i = 0; i < declared.size(); i++) {
            explicitTarget(declared.get(i), "spec.targets[" + i + "]", publicModel, providers, problems, targets);
        }
        if (spec.aggregate() != null) {
            aggregateTargets(spec.aggregate(), publicModel, providers, problems, targets);
        }
        checkTargetCount(spec, publicModel, targets, problems);
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
        targets.sort(TARGET_ORDER);
        var route = new ModelRoute(publicModel, aliases.stream().sorted().toList(), strategy.name(), targets, fallbacks, deprecation(spec));
        return new Candidate(group, route, problems);
    }

    static void checkTargetCount(ModelGroupSpec spec, String publicModel, List<ModelRoute.Target> targets, Problems problems) {
        boolean declared = spec.targets() != null && !spec.targets().isEmpty();
        if (!declared && spec.aggregate() == null) {
            problems.error("spec.targets", ProblemReason.NoUsableTargets, "a ModelGroup needs spec.targets or spec.aggregate");
        } else if (targets.isEmpty()) {
            problems.error(!declared ? "spec.aggregate" : "spec.targets", ProblemReason.NoUsableTargets,
                    "no usable target remains for model " + publicModel);
        }
    }

    static ModelRoute.Deprecation deprecation(ModelGroupSpec spec) {
        return spec.deprecation() == null ? null
                : new ModelRoute.Deprecation(spec.deprecation().replacement(), spec.deprecation().sunset(), spec.deprecation().message());
    }

    /** The provider of a target, or null with a warning when it does not exist or cannot be used. */
    static ProviderCompiler.Resolved usableProvider(String name, String field, Map<String, ProviderCompiler.Resolved> providers, Problems problems) {
        ProviderCompiler.Resolved provider = name == null ? null : providers.get(name);
        if (provider == null) {
            problems.warning(field + ".provider", ProblemReason.UnknownProvider, "Provider " + name + " does not exist; target dropped");
            return null;
        }
        if (!provider.usable()) {
            problems.warning(field + ".provider", ProblemReason.ProviderUnavailable, "Provider " + name + " has errors; target dropped");
            return null;
        }
        return provider;
    }

    private static void explicitTarget(ModelGroupSpec.Target target, String field, String publicModel,
            Map<String, ProviderCompiler.Resolved> providers, Problems problems, List<ModelRoute.Target> into) {
        String model = target.model() != null ? target.model() : publicModel;
        int weight = target.weight() != null ? target.weight() : 1;
        int priority = target.priority() != null ? target.priority() : 0;
        ProviderCompiler.Resolved provider = usableProvider(target.provider(), field, providers, problems);
        if (provider == null) {
            return;
        }
        if (!Names.isModelName(model)) {
            problems.warning(field + ".model", ProblemReason.InvalidValue, "not a model name: " + model
                    + (ModelTemplate.isTemplate(model) ? " (capture references need spec.modelPattern)" : "") + "; target dropped");
            return;
        }
        String upstream = provider.spelling(model);
        if (!provider.serves(model)) {
            problems.warning(field + ".model", ProblemReason.ModelNotServed,
                    "Provider " + target.provider() + " is known not to serve " + model + "; target dropped");
        } else if (weight < 1 || weight > 1000 || priority < 0 || priority > 100) {
            problems.warning(field, ProblemReason.InvalidValue, "weight must be 1..1000 and priority 0..100; target dropped");
        } else if (into.stream().anyMatch(t -> t.provider().equals(target.provider()) && t.model().equals(upstream))) {
            problems.warning(field, ProblemReason.InvalidValue, "duplicate target " + target.provider() + "/" + model + "; dropped");
        } else {
            into.add(new ModelRoute.Target(target.provider(), upstream, weight, priority));
        }
    }

    /**
     * Aggregates pick only providers known to serve the model, compared by canonical name, and call each by its own
     * spelling: a provider that may not serve it is not guessed at.
     */
    private static void aggregateTargets(ModelGroupSpec.Aggregate aggregate, String publicModel,
            Map<String, ProviderCompiler.Resolved> providers, Problems problems, List<ModelRoute.Target> into) {
        String model = aggregate.model() != null ? aggregate.model() : publicModel;
        if (!Names.isModelName(model)) {
            problems.warning("spec.aggregate.model", ProblemReason.InvalidValue, "not a model name: " + model
                    + (ModelTemplate.isTemplate(model) ? " (capture references need spec.modelPattern)" : "") + "; aggregate ignored");
            return;
        }
        int weight = aggregate.weight() != null ? aggregate.weight() : 1;
        int priority = aggregate.priority() != null ? aggregate.priority() : 0;
        for (ProviderCompiler.Resolved provider : providers.values()) {
            boolean selected = LabelSelector.matches(aggregate.providerSelector(), provider.resource().getMetadata().getLabels());
            if (!selected || !provider.usable() || provider.knownModels().isEmpty() || !provider.serves(model)) {
                continue;
            }
            String name = provider.resource().getMetadata().getName();
            String upstream = provider.spelling(model);
            boolean alreadyTargeted = into.stream().anyMatch(t -> t.provider().equals(name) && t.model().equals(upstream));
            if (!alreadyTargeted) {
                into.add(new ModelRoute.Target(name, upstream, weight, priority));
            }
        }
    }

    static List<String> validNames(List<String> names, String field, String publicModel, Problems problems) {
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
