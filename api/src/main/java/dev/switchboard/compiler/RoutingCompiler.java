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
import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.Globs;
import dev.switchboard.routing.ModelPattern;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.PolicySettings;
import dev.switchboard.routing.RequestPolicies;
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

        var problemsOfPolicy = new Problems(ResourceRef.of(policy), problems);
        var policyCompiler = new PolicyCompiler(problemsOfPolicy);
        PolicySettings settings = policyCompiler.settings(spec, namespace, policy.getMetadata().getName());
        var requestPolicies = new RequestPolicyCompiler(problemsOfPolicy);
        Map<String, RequestPolicies.Hook> hooks = requestPolicies.hooks(spec.hooks(), input.secrets(), input.secretRoot());
        var access = policyCompiler.access(spec, input.secrets(), input.secretRoot(),
                "switchboard:" + namespace + ":" + policy.getMetadata().getName(), input.clusterIssuer(), hooks);
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
                .filter(candidate -> candidate.route() == null || candidate.resource().getSpec() == null
                        || RequestPolicyCompiler.hooksKnown(candidate.problems(), "spec.hooks",
                                "ModelGroup " + candidate.resource().getMetadata().getName(), candidate.resource().getSpec().hooks(), hooks))
                .toList();

        Map<String, Problems> problemsByModel = new HashMap<>();
        Map<String, ModelRoute> routes = claimNames(candidates, problemsByModel);
        resolveFallbacks(routes, problemsByModel);
        removeFallbackCycles(routes, problemsByModel);
        resolveFallbacks(routes, problemsByModel);

        Set<String> usedProviders = new TreeSet<>();
        routes.values().forEach(route -> route.targets().forEach(t -> usedProviders.add(t.provider())));
        List<UpstreamProvider> tableProviders = usedProviders.stream().map(name -> providers.get(name).entry()).toList();
        List<ModelRoute> tableModels = new ArrayList<>(routes.values().stream().filter(route -> !route.servesPattern())
                .sorted(Comparator.comparing(ModelRoute::name)).toList());
        tableModels.addAll(listedWhereServed(tableModels, mostSpecificFirst(routes.values().stream().filter(ModelRoute::servesPattern).toList())));

        var table = new RoutingTable(RoutingTable.SCHEMA_VERSION, new RoutingTable.Source(namespace, policy.getMetadata().getName()),
                settings, access, tableProviders, tableModels,
                requestPolicies(requestPolicies, spec, hooks, candidates, problemsByModel, routes.keySet(), access));
        byte[] json = RoutingTableCodec.toJson(table);
        problems.sort(Problem.ORDER);
        return new Compilation(table, json, RoutingTableCodec.hash(json), problems);
    }

    /**
     * The hooks and the selections of the served models and clients; null when the policy declares no hook and nothing
     * selects the cache, so such tables (and their hashes) are as they were before request policies existed.
     */
    private static RequestPolicies requestPolicies(RequestPolicyCompiler compiler, RoutingPolicySpec spec, Map<String, RequestPolicies.Hook> hooks,
            List<ModelGroupCompiler.Candidate> candidates, Map<String, Problems> problemsByModel, Set<String> served, AccessRules access) {
        Map<String, RequestPolicies.Selection> models = new TreeMap<>();
        for (ModelGroupCompiler.Candidate candidate : candidates) {
            String name = candidate.route() == null ? null : candidate.route().name();
            // Only the group that won its name speaks for it.
            if (name == null || !served.contains(name) || problemsByModel.get(name) != candidate.problems()) {
                continue;
            }
            var groupSpec = candidate.resource().getSpec();
            var selection = RequestPolicyCompiler.selection(candidate.problems(), "spec", groupSpec.cache(), groupSpec.hooks(), hooks);
            if (selection != null) {
                models.put(name, selection);
            }
        }
        Map<String, RequestPolicies.Selection> clients = new TreeMap<>();
        if (spec.access() != null && spec.access().clients() != null) {
            Set<String> admitted = new TreeSet<>();
            access.clients().forEach(client -> admitted.add(client.name()));
            for (int i = 0; i < spec.access().clients().size(); i++) {
                var client = spec.access().clients().get(i);
                if (!admitted.contains(client.name()) || clients.containsKey(client.name())) {
                    continue;
                }
                var selection = RequestPolicyCompiler.selection(compiler.problems(), "spec.access.clients[" + i + "]", client.cache(),
                        client.hooks(), hooks);
                if (selection != null) {
                    clients.put(client.name(), selection);
                }
            }
        }
        boolean caches = models.values().stream().anyMatch(s -> s.cache() != null) || clients.values().stream().anyMatch(s -> s.cache() != null);
        if (hooks.isEmpty() && !caches) {
            return null;
        }
        return new RequestPolicies(caches ? compiler.store(spec.cache()) : null, List.copyOf(hooks.values()), models, clients);
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
        Map<String, String> patternOwners = new HashMap<>();
        Map<String, ModelRoute> routes = new LinkedHashMap<>();
        for (ModelGroupCompiler.Candidate candidate : candidates) {
            ModelRoute route = candidate.route();
            if (route == null) {
                continue;
            }
            if (route.servesPattern()) {
                if (claimPattern(candidate, routes.values(), patternOwners)) {
                    patternOwners.put(route.name(), candidate.resource().getMetadata().getName());
                    routes.put(route.name(), route);
                    problemsByModel.put(route.name(), candidate.problems());
                }
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

    /**
     * Whether a pattern group may serve its pattern: it must not overlap an older group's pattern unless one of the two
     * is more specific (matches only names the other matches too), so the route a name takes never depends on order.
     */
    private static boolean claimPattern(ModelGroupCompiler.Candidate candidate, java.util.Collection<ModelRoute> claimed,
            Map<String, String> patternOwners) {
        String glob = candidate.route().name();
        for (ModelRoute other : claimed) {
            if (!other.servesPattern() || !Globs.overlap(glob, other.name())) {
                continue;
            }
            boolean coversOther = Globs.covers(glob, other.name());
            boolean coveredByOther = Globs.covers(other.name(), glob);
            if (coversOther == coveredByOther) {
                String why = coversOther ? "matches the same names as" : "matches some names also matched by";
                candidate.problems().error("spec.modelPattern", ProblemReason.AmbiguousModelPattern,
                        "pattern " + glob + " " + why + " pattern " + other.name() + " of ModelGroup " + patternOwners.get(other.name())
                                + ", and neither is more specific; serve the names both match with a ModelGroup of their own or narrow a pattern");
                return false;
            }
        }
        return true;
    }

    /** Pattern routes so that a more specific one comes before every pattern that overlaps it; otherwise by name. */
    private static List<ModelRoute> mostSpecificFirst(List<ModelRoute> patterns) {
        List<ModelRoute> remaining = new ArrayList<>(patterns);
        remaining.sort(Comparator.comparing(ModelRoute::name));
        List<ModelRoute> ordered = new ArrayList<>();
        while (!remaining.isEmpty()) {
            ModelRoute next = remaining.stream()
                    .filter(candidate -> remaining.stream().noneMatch(other -> other != candidate
                            && Globs.overlap(other.name(), candidate.name()) && Globs.covers(candidate.name(), other.name())))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("overlapping patterns left in the table: " + remaining));
            ordered.add(next);
            remaining.remove(next);
        }
        return ordered;
    }

    /**
     * Rewrites fallbacks to canonical names and drops those that name no served model. A name only a pattern route
     * serves stays as written: the route a request for it takes depends on the name.
     */
    private static void resolveFallbacks(Map<String, ModelRoute> routes, Map<String, Problems> problemsByModel) {
        Map<String, String> canonical = new HashMap<>();
        routes.values().forEach(route -> {
            if (!route.servesPattern()) {
                canonical.put(route.name(), route.name());
                route.aliases().forEach(alias -> canonical.put(alias, route.name()));
            }
        });
        for (ModelRoute route : List.copyOf(routes.values())) {
            List<String> resolved = new ArrayList<>();
            for (int i = 0; i < route.fallbacks().size(); i++) {
                String fallback = route.fallbacks().get(i);
                String target = canonical.containsKey(fallback) ? canonical.get(fallback)
                        : patternOwning(routes.values(), fallback) != null ? fallback : null;
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

    /**
     * Pattern routes listing only the names they serve: a name an exact name or alias claims, or a more specific pattern
     * matches, is served (and listed) there.
     */
    private static List<ModelRoute> listedWhereServed(List<ModelRoute> exact, List<ModelRoute> patterns) {
        Set<String> claimed = new java.util.HashSet<>();
        exact.forEach(route -> {
            claimed.add(route.name());
            claimed.addAll(route.aliases());
        });
        List<ModelRoute> result = new ArrayList<>();
        for (ModelRoute route : patterns) {
            List<String> listed = route.listed().stream()
                    .filter(name -> !claimed.contains(name))
                    .filter(name -> result.stream().noneMatch(earlier -> ModelPattern.of(earlier.name()).match(name) != null))
                    .toList();
            result.add(new ModelRoute(route.name(), route.aliases(), route.strategy(), route.targets(), route.fallbacks(), route.deprecation(),
                    route.pattern(), listed));
        }
        return result;
    }

    /** The most specific pattern route matching a name, or null. */
    private static ModelRoute patternOwning(java.util.Collection<ModelRoute> routes, String name) {
        return mostSpecificFirst(routes.stream().filter(ModelRoute::servesPattern).toList()).stream()
                .filter(route -> ModelPattern.of(route.name()).match(name) != null)
                .findFirst().orElse(null);
    }

    /** Fallback edges run between routes: a fallback only a pattern serves leads to that pattern's route. */
    private static void removeFallbackCycles(Map<String, ModelRoute> routes, Map<String, Problems> problemsByModel) {
        Map<String, List<String>> graph = new HashMap<>();
        routes.values().forEach(route -> graph.put(route.name(), route.fallbacks().stream().map(fallback -> {
            if (routes.containsKey(fallback)) {
                return fallback;
            }
            ModelRoute owner = patternOwning(routes.values(), fallback);
            return owner == null ? fallback : owner.name();
        }).toList()));
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
        return new ModelRoute(route.name(), aliases, route.strategy(), route.targets(), route.fallbacks(), route.deprecation(),
                route.pattern(), route.listed());
    }

    private static ModelRoute withFallbacks(ModelRoute route, List<String> fallbacks) {
        return new ModelRoute(route.name(), route.aliases(), route.strategy(), route.targets(), fallbacks, route.deprecation(),
                route.pattern(), route.listed());
    }
}
