package dev.switchboard.resources;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.compiler.Problem;
import dev.switchboard.testing.Yaml;

/**
 * Fixtures under src/test/resources/invalid/: each breaks exactly one OpenAPI schema rule of its CRD. The header
 * comments say which field the rejection must name ({@code # field:}) and what the message says
 * ({@code # message:}). CEL rules are covered by {@code CelRulesTest}.
 */
class InvalidResourceTest {

    private static final Pattern HEADER = Pattern.compile("^# (field|message): (.+)$", Pattern.MULTILINE);

    record Fixture(String file, String text, String field, String message) {
        JsonNode resource() {
            return Yaml.tree(text);
        }

        @Override
        public String toString() {
            return file + " -> " + field;
        }
    }

    static List<Fixture> fixtures() throws IOException, URISyntaxException {
        Path directory = Path.of(InvalidResourceTest.class.getResource("/invalid").toURI());
        try (Stream<Path> files = Files.list(directory)) {
            List<Fixture> fixtures = files.sorted().map(InvalidResourceTest::fixture).toList();
            return fixtures;
        }
    }

    private static Fixture fixture(Path file) {
        try {
            String text = Files.readString(file);
            Map<String, String> header = new java.util.HashMap<>();
            Matcher matcher = HEADER.matcher(text);
            while (matcher.find()) {
                header.put(matcher.group(1), matcher.group(2).strip());
            }
            assertThat(header).as("header of %s", file.getFileName()).containsKeys("field", "message");
            return new Fixture(file.getFileName().toString(), text, header.get("field"), header.get("message"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void atLeastTenRulesAreExercised() throws Exception {
        List<Fixture> fixtures = fixtures();
        assertThat(fixtures).hasSizeGreaterThanOrEqualTo(10);
        assertThat(fixtures.stream().map(f -> f.resource().path("kind").asText() + " " + f.field() + " " + f.message()).distinct())
                .as("one rule per fixture").hasSize(fixtures.size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void schemaRejectsTheFieldAndOnlyIt(Fixture fixture) {
        JsonNode resource = fixture.resource();
        var violations = new CrdSchemaValidator().validate(resource.path("kind").asText(), resource);
        assertThat(violations).as("violations of %s", fixture.file()).isNotEmpty()
                .allSatisfy(v -> assertThat(v.field()).isEqualTo(fixture.field()))
                .anySatisfy(v -> assertThat(v.message()).contains(fixture.message()));
    }

    /** Local mode reports the same rejection through ResourceDirectory, naming the file, resource and field. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void resourceDirectoryReportsTheFieldAndLeavesTheResourceOut(Fixture fixture, @TempDir Path directory) throws IOException {
        Path file = directory.resolve(fixture.file());
        Files.writeString(file, fixture.text());
        LoadedResources loaded = ResourceDirectory.load(directory, name -> null);
        assertThat(loaded.problems()).isNotEmpty().allSatisfy(problem -> {
            assertThat(problem.severity()).isEqualTo(Problem.Severity.Error);
            assertThat(problem.field()).isEqualTo(fixture.field());
            assertThat(problem.resource().name()).isEqualTo(fixture.resource().path("metadata").path("name").asText());
            assertThat(loaded.fileOf(problem.resource())).isEqualTo(file);
            assertThat(problem.toString()).contains(fixture.field());
        });
        assertThat(loaded.providers()).isEmpty();
        assertThat(loaded.modelGroups()).isEmpty();
        assertThat(loaded.policies()).isEmpty();
    }
}
