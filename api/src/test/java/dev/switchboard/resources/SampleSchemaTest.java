package dev.switchboard.resources;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.testing.CelRules;
import dev.switchboard.testing.RepoFiles;
import dev.switchboard.testing.Yaml;

/** Every sample resource is accepted by the generated CRD schemas: OpenAPI part and CEL rules. */
class SampleSchemaTest {

    static final List<String> SAMPLE_DIRECTORIES = List.of("manifests/samples", "samples/local", "samples/patterns", "samples/request-policies");

    static Stream<Arguments> sampleResources() throws IOException {
        List<Arguments> resources = new ArrayList<>();
        for (String directory : SAMPLE_DIRECTORIES) {
            try (Stream<Path> files = Files.list(RepoFiles.resolve(directory))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                    for (JsonNode document : Yaml.documents(file)) {
                        if (document.path("apiVersion").asText().equals("switchboard.dev/v1alpha1")) {
                            String name = directory + "/" + file.getFileName() + " " + document.path("kind").asText() + "/"
                                    + document.path("metadata").path("name").asText();
                            resources.add(Arguments.of(name, document));
                        }
                    }
                }
            }
        }
        // 4 providers + 2 groups + 1 policy in manifests/samples, 2 + 3 + 1 in samples/local, 3 + 4 + 1 in samples/patterns,
        // 1 + 2 + 1 in samples/request-policies.
        assertThat(resources).hasSize(25);
        return resources.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sampleResources")
    void sampleMatchesOpenApiSchema(String name, JsonNode resource) {
        var violations = new CrdSchemaValidator().validate(resource.path("kind").asText(), resource);
        assertThat(violations).as(name).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sampleResources")
    void samplePassesEveryCelRule(String name, JsonNode resource) {
        assertThat(CelRules.validate(resource)).as(name).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"manifests/samples", "samples/local", "samples/patterns", "samples/request-policies"})
    void directoryLoadsWithoutProblems(String directory) {
        LoadedResources loaded = ResourceDirectory.load(RepoFiles.resolve(directory), name -> null);
        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.providers()).isNotEmpty();
        assertThat(loaded.modelGroups()).isNotEmpty();
        assertThat(loaded.policies()).hasSize(1);
    }
}
