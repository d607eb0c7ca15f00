package dev.switchboard.resources;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.compiler.Problem;
import dev.switchboard.compiler.ResourceRef;
import dev.switchboard.compiler.SecretIndex;

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

    /** Which Secret keys exist, for the compiler (never the values). */
    public SecretIndex secretIndex() {
        return SecretIndex.of(secrets.stream().collect(Collectors.toMap(LocalSecret::name, s -> s.data().keySet(), (a, b) -> b)));
    }
}
