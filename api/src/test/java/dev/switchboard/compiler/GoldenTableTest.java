package dev.switchboard.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.switchboard.resources.LoadedResources;
import dev.switchboard.resources.ResourceDirectory;
import dev.switchboard.testing.RepoFiles;

/**
 * The samples compile, without problems, to the committed routing tables under src/test/resources/golden/.
 * Update after a deliberate change: {@code ./mvnw -B -q -pl api test -Dswitchboard.crds.update=true}, then review
 * the diff.
 */
class GoldenTableTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "manifests/samples, manifests-samples.json",
            "samples/local, samples-local.json",
            "samples/patterns, samples-patterns.json",
            "samples/request-policies, samples-request-policies.json"})
    void samplesCompileToTheGoldenTable(String directory, String golden) {
        LoadedResources loaded = ResourceDirectory.load(RepoFiles.resolve(directory), name -> null);
        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.policies()).hasSize(1);
        Compilation c = RoutingCompiler.compile(new CompilerInput(loaded.policies().get(0), loaded.providers(), loaded.modelGroups(),
                loaded.secretIndex(), null));
        assertThat(c.problems()).isEmpty();
        assertThat(c.table().validate()).isEmpty();
        assertThat(c.table().models()).hasSize(loaded.modelGroups().size());
        String json = new String(c.json(), java.nio.charset.StandardCharsets.UTF_8);
        loaded.secrets().forEach(secret -> secret.data().values().forEach(value -> assertThat(json).doesNotContain(value)));
        RepoFiles.assertSameOrUpdate(RepoFiles.resolve("api/src/test/resources/golden/" + golden), c.json(), "golden routing table");
    }
}
