package dev.switchboard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import dev.switchboard.operator.testing.Kustomize;
import dev.switchboard.operator.testing.Manifests;
import dev.switchboard.operator.testing.OlmBundleSources;

/**
 * olm-bundle/ is the bundle quarkus-operator-sdk's generator wrote during this build (target/bundle/switchboard-operator),
 * file for file and byte for byte except for the CSV, which gets one addition the generator cannot make (the owned
 * CRDs' display names, descriptions and spec/status descriptors from operator/src/main/olm/owned-crds.yaml) and one
 * ordering: the generator appends the controllers' namespace variables in reconciler discovery order, which changes
 * from build to build, so they are sorted by name. Runs after packaging (failsafe), because the generator runs in the
 * Quarkus build. {@code -Dswitchboard.bundle.update=true} rewrites olm-bundle/.
 */
class OlmBundleIT {

    static final Path ROOT = Manifests.repoRoot();
    static final Path GENERATED = ROOT.resolve("operator/target/bundle/switchboard-operator");
    static final Path COMMITTED = ROOT.resolve("olm-bundle");
    static final Path OWNED_CRDS = ROOT.resolve("operator/src/main/olm/owned-crds.yaml");
    static final String CSV = "manifests/switchboard-operator.clusterserviceversion.yaml";
    /** Written by hand, not by the generator. */
    static final String README = "README.md";
    static final String NAMESPACES_VARIABLE = "QUARKUS_OPERATOR_SDK_CONTROLLERS_[A-Z]+_NAMESPACES";
    /** The generator's own YAML settings, so the committed CSV reads like the generated one. */
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS).disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER))
            .enable(SerializationFeature.INDENT_OUTPUT);

    @Test
    void olmBundleIsTheGeneratedBundle() throws IOException {
        assertThat(GENERATED.resolve(CSV)).as("the bundle generator's output (run the package phase first)").exists();
        Map<String, byte[]> expected = expectedFiles();
        if (OlmBundleSources.updating()) {
            for (String stale : committedFiles()) {
                if (!expected.containsKey(stale)) {
                    Files.delete(COMMITTED.resolve(stale));
                }
            }
            for (var file : expected.entrySet()) {
                Files.createDirectories(COMMITTED.resolve(file.getKey()).getParent());
                Files.write(COMMITTED.resolve(file.getKey()), file.getValue());
            }
            return;
        }
        List<String> drifted = new ArrayList<>();
        for (var file : expected.entrySet()) {
            Path committed = COMMITTED.resolve(file.getKey());
            if (!Files.exists(committed) || !java.util.Arrays.equals(Files.readAllBytes(committed), file.getValue())) {
                drifted.add(file.getKey());
            }
        }
        committedFiles().stream().filter(f -> !expected.containsKey(f)).forEach(f -> drifted.add(f + " (not generated)"));
        if (!drifted.isEmpty()) {
            fail("olm-bundle/ differs from the generated bundle in " + drifted + ". Update with: " + OlmBundleSources.UPDATE_COMMAND);
        }
    }

    /** The generated files, the CSV with the owned CRDs' descriptions merged in. */
    static Map<String, byte[]> expectedFiles() throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(GENERATED)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(GENERATED.relativize(file).toString(), Files.readAllBytes(file));
            }
        }
        files.put(CSV, committedCsv(new String(files.get(CSV), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        return files;
    }

    @SuppressWarnings("unchecked")
    static String committedCsv(String generatedCsv) throws IOException {
        Map<String, Object> csv = YAML.readValue(generatedCsv, Map.class);
        Map<String, Map<String, Object>> descriptions = new TreeMap<>();
        for (Object entry : Manifests.SERIALIZATION.unmarshal(readString(OWNED_CRDS), List.class)) {
            Map<String, Object> description = (Map<String, Object>) entry;
            descriptions.put(String.valueOf(description.get("name")), description);
        }
        List<Map<String, Object>> owned = (List<Map<String, Object>>) Kustomize.map(Kustomize.map(csv, "spec"), "customresourcedefinitions")
                .get("owned");
        assertThat(owned.stream().map(o -> String.valueOf(o.get("name"))).sorted().toList())
                .as("owned-crds.yaml describes exactly the owned CRDs").containsExactlyElementsOf(descriptions.keySet());
        for (Map<String, Object> entry : owned) {
            Map<String, Object> description = descriptions.get(String.valueOf(entry.get("name")));
            description.forEach((key, value) -> {
                if (!key.equals("name")) {
                    assertThat(entry).as("the generator now writes " + key + " itself").doesNotContainKey(key);
                    entry.put(key, value);
                }
            });
        }
        for (Map<String, Object> deployment : (List<Map<String, Object>>) Kustomize.map(Kustomize.map(Kustomize.map(csv, "spec"), "install"),
                "spec").get("deployments")) {
            List<Map<String, Object>> env = (List<Map<String, Object>>) OlmBundleTest.firstContainer(Kustomize.map(deployment, "spec")).get("env");
            List<Map<String, Object>> namespaces = env.stream().filter(e -> String.valueOf(e.get("name")).matches(NAMESPACES_VARIABLE))
                    .sorted(Comparator.comparing(e -> String.valueOf(e.get("name")))).toList();
            env.removeAll(namespaces);
            env.addAll(namespaces);
        }
        return """
                # Generated by quarkus-operator-sdk's bundle generator (operator module), plus the owned CRDs' descriptions
                # from operator/src/main/olm/owned-crds.yaml. Do not edit: see docs/install.md, "OLM".
                """ + YAML.writeValueAsString(csv);
    }

    static List<String> committedFiles() throws IOException {
        try (Stream<Path> walk = Files.walk(COMMITTED)) {
            return walk.filter(Files::isRegularFile).map(f -> COMMITTED.relativize(f).toString()).filter(f -> !f.equals(README)).toList();
        }
    }

    static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
