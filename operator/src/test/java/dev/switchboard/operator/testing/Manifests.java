package dev.switchboard.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** Reads multi-document YAML of the three kinds and Secrets, placing every resource in one namespace. */
public final class Manifests {

    public static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of(
            "Provider", Provider.class, "ModelGroup", ModelGroup.class, "RoutingPolicy", RoutingPolicy.class, "Secret", Secret.class);

    private Manifests() {
    }

    public static Path repoRoot() {
        return Path.of(System.getProperty("switchboard.repo.root", ".."));
    }

    public static Path samples() {
        return repoRoot().resolve("manifests/samples");
    }

    public static List<HasMetadata> read(Path file, String namespace) {
        try {
            List<HasMetadata> resources = new ArrayList<>();
            for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
                if (document.lines().allMatch(line -> line.isBlank() || line.trim().startsWith("#"))) {
                    continue;
                }
                Map<?, ?> raw = SERIALIZATION.unmarshal(document, Map.class);
                Class<? extends HasMetadata> type = KINDS.get(String.valueOf(raw.get("kind")));
                if (type == null) {
                    throw new IllegalArgumentException(file + ": unexpected kind " + raw.get("kind"));
                }
                HasMetadata resource = SERIALIZATION.unmarshal(document, type);
                resource.getMetadata().setNamespace(namespace);
                resources.add(resource);
            }
            return resources;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The placeholder Secrets of the samples, kept apart from the resources a GitOps tool would sync. */
    public static Path sampleSecrets() {
        return samples().resolve("placeholder-secrets");
    }

    /** The samples with their placeholder Secrets, minus upstream model discovery: tests never reach the internet. */
    @SuppressWarnings("unchecked")
    public static List<HasMetadata> samplesWithoutDiscovery(String namespace) {
        List<HasMetadata> resources = new ArrayList<>(readDirectory(sampleSecrets(), namespace));
        for (HasMetadata resource : readDirectory(samples(), namespace)) {
            if (resource instanceof Provider provider) {
                Map<String, Object> raw = SERIALIZATION.convertValue(provider, Map.class);
                ((Map<String, Object>) raw.get("spec")).remove("discovery");
                resources.add(SERIALIZATION.convertValue(raw, Provider.class));
            } else {
                resources.add(resource);
            }
        }
        return resources;
    }

    /** Every *.yaml file of a directory, in name order. */
    public static List<HasMetadata> readDirectory(Path directory, String namespace) {
        try (var files = Files.list(directory)) {
            List<HasMetadata> resources = new ArrayList<>();
            files.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(f -> resources.addAll(read(f, namespace)));
            return resources;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T extends HasMetadata> List<T> ofType(List<HasMetadata> resources, Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
