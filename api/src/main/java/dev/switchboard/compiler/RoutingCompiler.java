package dev.switchboard.compiler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.switchboard.api.v1alpha1.LabelSelector;
import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.api.v1alpha1.RoutingPolicySpec;
import dev.switchboard.api.v1alpha1.Strategy;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.PolicySettings;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.RoutingTableCodec;
import dev.switchboard.routing.UpstreamProvider;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Compiles one RoutingPolicy with the Providers and ModelGroups of its namespace into a routing table.
 * Pure and deterministic: inputs in any order give byte-identical JSON. Never throws on bad input: every
 * defect becomes a {@link Problem}, and a broken part is left out while the rest still compiles.
 */
public final class RoutingCompiler {

    /** Conflicts go to the oldest resource, as in the Gateway API; local files have no timestamps and fall back to names. */
    private static final Comparator<HasMetadata> OLDEST_FIRST = Comparator
            .comparing((HasMetadata r) -> Objects.toString(r.getMetadata().getCreationTimestamp(), ""))
            .thenComparing(r -> r.getMetadata().getName());

    private RoutingCompiler() {
    }

    public static Compilation compile(CompilerInput input) {
        List<Problem> problems = new ArrayList<>();
        RoutingPolicy policy = input.policy();
        String namespace = policy.getMetadata().getNamespace();
        RoutingPolicySpec spec = policy.getSpec() != null ? policy.getSpec() : new RoutingPolicySpec(null, null, null, null);

        var policyCompiler = new PolicyCompiler(new Problems(ResourceRef.of(policy), problems));
        PolicySettings settings = policyCompiler.settings(spec, namespace, policy.getMetadata().getName());
        var access = policyCompiler.access(spec, input.secrets(), input.secretRoot(),
                "switchboard:" + namespace + ":" + policy.getMetadata().getName(), input.clusterIssuer());
        policyCompiler.checkGateway(spec);

        Map<String, ProviderCompiler.Resolved> providers = new TreeMap<>();
        for (Provider provider : inNamespace(input.providers(), namespace)) {
            var problemsOfProvider = new Problems(ResourceRef.of(provider), problems);
            providers.put(provider.getMetadata().getName(),
                    ProviderCompiler.compile(provider, input.secrets(), input.secretRoot(), problemsOfProvider));
        }

        Strategy defaultStrategy = Strategy.valueOf(settings.strategy());
        List<ModelGroupCompiler.Candidate> candidates = inNamespace(input.modelGroups(), namespace).stream()
                .filter(group -> LabelSelector.matches(spec.modelGroupSelector(), group.getMetadata().getLabels()))
                .sorted(OLDEST_FIRST)
                .map(group -> ModelGroupCompiler.compile(group, providers, defaultStrategy,
                        new Problems(ResourceRef.of(group), problems)))
                .toList();

        Map<String, Problems> problemsByModel = new HashMap<>();
        Map<String, ModelRoute> routes = claimNames(candidates, problemsByModel);
        resolveFallbacks(routes, problemsByModel);
        removeFallbackCycles(routes, problemsByModel);
        resolveFallbacks(routes, problemsByModel);

        Set<String> usedProviders = new TreeSet<>();
        routes.values().forEach(route -> route.targets().forEach(t -> usedProviders.add(t.provider())));
        List<UpstreamProvider> tableProviders = usedProviders.stream().map(name -> providers.get(name).entry()).toList();
        List<ModelRoute> tableModels = routes.values().stream().sorted(Comparator.comparing(ModelRoute::name)).toList();

        var table = new RoutingTable(RoutingTable.SCHEMA_VERSION, new RoutingTable.Source(namespace, policy.getMetadata().getName()),
                settings, access, tableProviders, tableModels);
        byte[] json = RoutingTableCodec.toJson(table);
        problems.sort(Problem.ORDER);
        return new Compilation(table, json, RoutingTableCodec.hash(json), problems);
    }

    /**
     * The problems of one Provider on its own (spec and Secret), as every policy compiling it would report them; for the
     * Provider's own status.
     */
    public static List<Problem> checkProvider(Provider provider, SecretIndex secrets) {
        List<Problem> problems = new ArrayList<>();
        ProviderCompiler.compile(provider, secrets, CompilerInput.DEFAULT_SECRET_ROOT, new Problems(ResourceRef.of(provider), problems));
        problems.sort(Problem.ORDER);
        return problems;
    }

    private static <T extends HasMetadata> List<T> inNamespace(List<T> resources, String namespace) {
        return resources.stream()
                .filter(r -> Objects.equals(r.getMetadata().getNamespace(), namespace))
                .sorted(Comparator.comparing(r -> r.getMetadata().getName()))
                .toList();
    }

    /**
     * First come, first served by age: a younger group's clashing name leaves it out, a clashing alias is dropped.
     * problemsByModel receives, per served model name, the problems of the group that won it.
     */
    private static Map<String, ModelRoute> claimNames(List<ModelGroupCompiler.Candidate> candidates, Map<String, Problems> problemsByModel) {
        Map<String, String> owners = new HashMap<>();
        Map<String, ModelRoute> routes = new LinkedHashMap<>();
        for (ModelGroupCompiler.Candidate candidate : candidates) {
            ModelRoute route = candidate.route();
            if (route == null) {
                continue;
            }
            String owner = owners.get(route.name());
            if (owner != null) {
                candidate.problems().error("spec.model", ProblemReason.DuplicateModelName,
                        "model name " + route.name() + " is already served by ModelGroup " + owner);
                continue;
            }
            String groupName = candidate.resource().getMetadata().getName();
            owners.put(route.name(), groupName);
            List<String> aliases = new ArrayList<>();
            for (String alias : route.aliases()) {
                String aliasOwner = owners.get(alias);
                if (aliasOwner != null) {
                    candidate.problems().warning("spec.aliases", ProblemReason.DuplicateAlias,
                            "alias " + alias + " is already claimed by ModelGroup " + aliasOwner + "; alias dropped");
                } else {
                    owners.put(alias, groupName);
                    aliases.add(alias);
                }
            }
            routes.put(route.name(), withAliases(route, aliases));
            problemsByModel.put(route.name(), candidate.problems());
        }
        return routes;
    }

    /** Rewrites fallbacks to canonical names and drops those that name no served model. */
    private static void resolveFallbacks(Map<String, ModelRoute> routes, Map<String, Problems> problemsByModel) {
        Map<String, String> canonical = new HashMap<>();
        routes.values().forEach(route -> {
            canonical.put(route.name(), route.name());
            route.aliases().forEach(alias -> canonical.put(alias, route.name()));
        });
        for (ModelRoute route : List.copyOf(routes.values())) {
            List<String> resolved = new ArrayList<>();
            for (int i = 0; i < route.fallbacks().size(); i++) {
                String fallback = route.fallbacks().get(i);
                String target = canonical.get(fallback);
                if (target == null) {
                    problemsByModel.get(route.name()).warning("spec.fallbacks", ProblemReason.UnknownFallback,
                            "fallback " + fallback + " is not a model served by this policy; fallback dropped");
                } else if (!resolved.contains(target)) {
                    resolved.add(target);
                }
            }
            routes.put(route.name(), withFallbacks(route, resolved));
        }
    }

    private static void removeFallbackCycles(Map<String, ModelRoute> routes, Map<String, Problems> problemsByModel) {
        Map<String, List<String>> graph = new HashMap<>();
        routes.values().forEach(route -> graph.put(route.name(), route.fallbacks()));
        List<String> onCycle = new ArrayList<>();
        for (String model : new TreeSet<>(routes.keySet())) {
            FallbackCycles.through(model, graph).ifPresent(cycle -> {
                onCycle.add(model);
                problemsByModel.get(model).error("spec.fallbacks", ProblemReason.FallbackCycle,
                        "fallbacks form a cycle: " + String.join(" -> ", cycle));
            });
        }
        onCycle.forEach(routes::remove);
    }

    private static ModelRoute withAliases(ModelRoute route, List<String> aliases) {
        return new ModelRoute(route.name(), aliases, route.strategy(), route.targets(), route.fallbacks(), route.deprecation());
    }

    private static ModelRoute withFallbacks(ModelRoute route, List<String> fallbacks) {
        return new ModelRoute(route.name(), route.aliases(), route.strategy(), route.targets(), fallbacks, route.deprecation());
    }
}
