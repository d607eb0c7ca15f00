package dev.switchboard.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.testing.RepoFiles;
import dev.switchboard.testing.Yaml;

/**
 * kubectl reads YAML as YAML 1.1, where an unquoted {@code on}, {@code off}, {@code yes}, {@code no}, {@code y} or
 * {@code n} is a boolean, also as a mapping key ({@code on:} arrives at the API server as {@code "true":}). Our own
 * tools read YAML 1.2 and would not notice. So: no CRD property name or enum value may be such a word, and the
 * committed CRDs and samples read the same under a YAML 1.1 parser (SnakeYAML) as under Jackson.
 */
class Yaml11CompatibilityTest {

    private static final String YAML11_SPECIAL = "y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~";

    static Stream<Path> committedYaml() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String directory : List.of("crds", "manifests/samples", "samples/local")) {
            try (Stream<Path> list = Files.list(RepoFiles.resolve(directory))) {
                list.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(files::add);
            }
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(10);
        return files.stream();
    }

    @Test
    void noPropertyNameOrEnumValueIsAYaml11Keyword() {
        List<String> offenders = new ArrayList<>();
        for (String kind : List.of("Provider", "ModelGroup", "RoutingPolicy")) {
            collectKeywords(CrdShapeTest.openApiSchema(kind), kind, offenders);
        }
        assertThat(offenders).as("property names or enum values that kubectl would read as booleans or null").isEmpty();
    }

    @Test
    void theCheckFindsAnOffendingPropertyName() {
        List<String> offenders = new ArrayList<>();
        collectKeywords(Yaml.tree("properties: {retry: {properties: {'on': {type: array}, mode: {type: string, enum: [Open, 'off']}}}}"),
                "Test", offenders);
        assertThat(offenders).containsExactlyInAnyOrder("Test.retry.on", "Test.retry.mode enum off");
    }

    private static void collectKeywords(JsonNode schema, String path, List<String> into) {
        schema.path("properties").fields().forEachRemaining(entry -> {
            String at = path + "." + entry.getKey();
            if (entry.getKey().matches(YAML11_SPECIAL)) {
                into.add(at);
            }
            collectKeywords(entry.getValue(), at, into);
        });
        for (JsonNode value : schema.path("enum")) {
            if (value.asText().matches(YAML11_SPECIAL)) {
                into.add(path + " enum " + value.asText());
            }
        }
        if (schema.has("items")) {
            collectKeywords(schema.get("items"), path, into);
        }
        if (schema.path("additionalProperties").isObject()) {
            collectKeywords(schema.get("additionalProperties"), path, into);
        }
    }

    @ParameterizedTest
    @MethodSource("committedYaml")
    void readsTheSameAsYaml11(Path file) throws IOException {
        String text = Files.readString(file);
        Iterator<Object> yaml11 = new org.yaml.snakeyaml.Yaml().loadAll(text).iterator();
        List<String> differences = new ArrayList<>();
        for (JsonNode document : Yaml.documents(text)) {
            compare(yaml11.next(), document, "", differences);
        }
        assertThat(differences).as("%s read by a YAML 1.1 parser, as kubectl does", RepoFiles.root().relativize(file)).isEmpty();
    }

    private static void compare(Object yaml11, JsonNode yaml12, String path, List<String> differences) {
        if (yaml11 instanceof Map<?, ?> map) {
            for (var entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String key)) {
                    differences.add(path + ": key read as " + entry.getKey().getClass().getSimpleName() + " " + entry.getKey());
                    continue;
                }
                compare(entry.getValue(), yaml12.path(key), path + "." + key, differences);
            }
        } else if (yaml11 instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                compare(list.get(i), yaml12.path(i), path + "[" + i + "]", differences);
            }
        } else if (yaml11 instanceof Boolean bool && !yaml12.isBoolean()) {
            differences.add(path + ": value " + yaml12 + " read as boolean " + bool);
        }
    }
}
