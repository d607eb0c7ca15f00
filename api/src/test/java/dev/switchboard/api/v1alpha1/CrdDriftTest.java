package dev.switchboard.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.switchboard.testing.RepoFiles;

/**
 * crds/ at the repository root holds exactly the CRDs the build generates (api/target/classes/META-INF/fabric8),
 * byte for byte, renamed from {@code <plural>.<group>-v1.yml} to {@code <plural>.<group>.yaml}.
 * {@code crds/kustomization.yaml} must name exactly those files.
 * Update after a deliberate API change: {@code ./mvnw -B -q -pl api test -Dswitchboard.crds.update=true}.
 */
class CrdDriftTest {

    static Path generatedDirectory() throws URISyntaxException {
        var url = Provider.class.getResource("/META-INF/fabric8/");
        assertThat(url).as("generated CRD directory on the classpath").isNotNull();
        return Path.of(url.toURI());
    }

    /** providers.switchboard.dev-v1.yml becomes providers.switchboard.dev.yaml. */
    static String committedName(String generatedName) {
        return generatedName.replaceFirst("-v1\\.yml$", ".yaml");
    }

    static Map<String, Path> generated() throws IOException, URISyntaxException {
        try (Stream<Path> files = Files.list(generatedDirectory())) {
            return files.filter(f -> f.getFileName().toString().endsWith("-v1.yml"))
                    .collect(Collectors.toMap(f -> committedName(f.getFileName().toString()), f -> f, (a, b) -> a, TreeMap::new));
        }
    }

    @Test
    void buildGeneratesTheThreeCrds() throws Exception {
        assertThat(generated()).containsOnlyKeys(
                "modelgroups.switchboard.dev.yaml", "providers.switchboard.dev.yaml", "routingpolicies.switchboard.dev.yaml");
    }

    @Test
    void committedCrdsMatchGeneratedOnes() throws Exception {
        Path crds = RepoFiles.resolve("crds");
        Map<String, Path> generated = generated();
        for (var entry : generated.entrySet()) {
            RepoFiles.assertSameOrUpdate(crds.resolve(entry.getKey()), Files.readAllBytes(entry.getValue()), "CRD drift");
        }
        try (Stream<Path> files = Files.list(crds)) {
            // kustomization.yaml lists the CRDs for `kubectl apply -k`; it is written by hand, not generated.
            var stale = files.filter(f -> !generated.containsKey(f.getFileName().toString()))
                    .filter(f -> !f.getFileName().toString().equals("kustomization.yaml"))
                    .toList();
            if (RepoFiles.updating()) {
                for (Path file : stale) {
                    Files.delete(file);
                }
            } else {
                assertThat(stale).as("files in crds/ that the build does not generate. " + RepoFiles.updateHint()).isEmpty();
            }
        }
    }

    @Test
    void kustomizationListsExactlyTheCrds() throws Exception {
        String kustomization = Files.readString(RepoFiles.resolve("crds").resolve("kustomization.yaml"));
        var listed = kustomization.lines().filter(l -> l.startsWith("- ")).map(l -> l.substring(2).trim()).sorted().toList();
        assertThat(listed).containsExactlyElementsOf(generated().keySet());
    }
}
