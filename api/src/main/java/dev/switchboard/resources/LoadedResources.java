package dev.switchboard.resources;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.api.v1alpha1.RoutingPolicySpec;
import dev.switchboard.compiler.Problem;
import dev.switchboard.compiler.ResourceRef;
import dev.switchboard.compiler.SecretIndex;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** The resources found in a directory of YAML files, where each came from, and what was wrong on the way. */
public record LoadedResources(
        List<Provider> providers,
        List<ModelGroup> modelGroups,
        List<RoutingPolicy> policies,
        List<LocalSecret> secrets,
        Map<ResourceRef, Path> origins,
        List<Problem> problems) {

    public LoadedResources {
        providers = List.copyOf(providers);
        modelGroups = List.copyOf(modelGroups);
        policies = List.copyOf(policies);
        secrets = List.copyOf(secrets);
        origins = Map.copyOf(origins);
        problems = List.copyOf(problems);
    }

    /** The file a resource was read from; for file-level problems the ref itself names the file. */
    public Path fileOf(ResourceRef resource) {
        return origins.get(resource);
    }

    /** The declared RoutingPolicies ordered by namespace, then name: the order every caller compiles them in. */
    public List<RoutingPolicy> policiesInOrder() {
        return policies.stream()
                .sorted(Comparator.comparing((RoutingPolicy p) -> p.getMetadata().getNamespace())
                        .thenComparing(p -> p.getMetadata().getName()))
                .toList();
    }

    /** The sorted namespaces that hold Providers or ModelGroups. */
    public SortedSet<String> resourceNamespaces() {
        SortedSet<String> namespaces = new TreeSet<>();
        providers.forEach(p -> namespaces.add(p.getMetadata().getNamespace()));
        modelGroups.forEach(g -> namespaces.add(g.getMetadata().getNamespace()));
        return namespaces;
    }

    /**
     * A policy for a directory that declares none: open access, selecting every ModelGroup of its namespace,
     * so Providers and ModelGroups alone can still be checked and served.
     */
    public static RoutingPolicy implicitOpenPolicy(String namespace, String name) {
        var policy = new RoutingPolicy();
        policy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
        policy.setSpec(new RoutingPolicySpec(null, null, new RoutingPolicySpec.Access(RoutingPolicySpec.AccessMode.Open, null), null));
        return policy;
    }

    /** What the compiler may know of the Secrets: opt-in, keys and value facts (never the values). */
    public SecretIndex secretIndex() {
        SecretIndex.Builder index = SecretIndex.builder();
        secrets.forEach(s -> index.secret(s.name(), s.labels(), s.annotations(), s.data()));
        return index.build();
    }
}
