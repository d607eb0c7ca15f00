package dev.switchboard.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.resources.CrdSchemaValidator;

/** What `kubectl explain` and `kubectl get` show: descriptions everywhere, names, categories, columns, status. */
class CrdShapeTest {

    @ParameterizedTest
    @ValueSource(strings = {"Provider", "ModelGroup", "RoutingPolicy"})
    void everyPropertyHasADescription(String kind) {
        JsonNode schema = openApiSchema(kind);
        List<String> undocumented = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        walk(schema, "", undocumented, seen);
        assertThat(seen).as("properties walked in the %s schema", kind).contains("spec", "status").hasSizeGreaterThan(20);
        assertThat(undocumented).as("properties of %s without a description", kind).isEmpty();
    }

    /** Proves the walk finds a missing description, so the test above can fail. */
    @Test
    void walkReportsAnUndocumentedProperty() {
        JsonNode schema = dev.switchboard.testing.Yaml.tree("""
                properties:
                  spec:
                    description: documented
                    properties:
                      targets:
                        description: documented
                        items:
                          properties:
                            weight: {type: integer}
                      labels:
                        description: documented
                        additionalProperties:
                          properties:
                            note: {description: "  "}
                """);
        List<String> undocumented = new ArrayList<>();
        walk(schema, "", undocumented, new ArrayList<>());
        assertThat(undocumented).containsExactlyInAnyOrder("spec.labels.*.note", "spec.targets[].weight");
    }

    static void walk(JsonNode schema, String path, List<String> undocumented, List<String> seen) {
        schema.path("properties").fields().forEachRemaining(entry -> {
            String name = entry.getKey();
            String at = path.isEmpty() ? name : path + "." + name;
            if (path.isEmpty() && List.of("metadata", "apiVersion", "kind").contains(name)) {
                return;
            }
            seen.add(at);
            if (entry.getValue().path("description").asText("").isBlank()) {
                undocumented.add(at);
            }
            walk(entry.getValue(), at, undocumented, seen);
        });
        if (schema.has("items")) {
            walk(schema.get("items"), path + "[]", undocumented, seen);
        }
        if (schema.path("additionalProperties").isObject()) {
            walk(schema.get("additionalProperties"), path + ".*", undocumented, seen);
        }
    }

    @Test
    void provider() {
        JsonNode crd = CrdSchemaValidator.crd("Provider");
        assertNames(crd, "providers", "provider", "llmprov");
        assertThat(columns(crd)).contains(
                tuple("TYPE", ".spec.type", "string", 0),
                tuple("READY", ".status.conditions[?(@.type==\"Ready\")].status", "string", 0),
                tuple("MODELS", ".status.modelCount", "integer", 0),
                tuple("AGE", ".metadata.creationTimestamp", "date", 0));
        assertStatusSubresource(crd);
    }

    @Test
    void modelGroup() {
        JsonNode crd = CrdSchemaValidator.crd("ModelGroup");
        assertNames(crd, "modelgroups", "modelgroup", "mg");
        assertThat(columns(crd)).contains(
                tuple("MODEL", ".spec.model", "string", 0),
                tuple("PATTERN", ".spec.modelPattern", "string", 0),
                tuple("TARGETS", ".status.resolvedTargets", "integer", 0),
                tuple("READY", ".status.conditions[?(@.type==\"Ready\")].status", "string", 0));
        assertStatusSubresource(crd);
    }

    @Test
    void routingPolicy() {
        JsonNode crd = CrdSchemaValidator.crd("RoutingPolicy");
        assertNames(crd, "routingpolicies", "routingpolicy", "rp");
        assertThat(columns(crd)).contains(
                tuple("ENDPOINT", ".status.endpoint", "string", 0),
                tuple("REPLICAS", ".status.readyReplicas", "integer", 0),
                tuple("PROGRAMMED", ".status.conditions[?(@.type==\"Programmed\")].status", "string", 0),
                tuple("AGE", ".metadata.creationTimestamp", "date", 0));
        assertStatusSubresource(crd);
    }

    /** Every column's JSON path names a field the schema declares, so no column is always empty. */
    @ParameterizedTest
    @ValueSource(strings = {"Provider", "ModelGroup", "RoutingPolicy"})
    void printerColumnsPointAtDeclaredFields(String kind) {
        JsonNode crd = CrdSchemaValidator.crd(kind);
        JsonNode schema = openApiSchema(kind);
        for (JsonNode column : crd.path("spec").path("versions").path(0).path("additionalPrinterColumns")) {
            String path = column.path("jsonPath").asText();
            if (path.startsWith(".metadata.")) {
                continue;
            }
            String[] parts = path.substring(1).replaceAll("\\[.*?]", "").split("\\.");
            JsonNode node = schema;
            for (String part : parts) {
                node = node.has("items") ? node.get("items") : node;
                node = node.path("properties").path(part);
            }
            assertThat(node.isMissingNode()).as("%s column %s: %s is declared", kind, column.path("name").asText(), path).isFalse();
        }
    }

    /** The API server rejects a CRD whose defaults do not validate against their own schema. */
    @ParameterizedTest
    @ValueSource(strings = {"Provider", "ModelGroup", "RoutingPolicy"})
    void everyDefaultValidatesAgainstItsSchema(String kind) {
        List<String> invalid = new ArrayList<>();
        int[] defaults = {0};
        checkDefaults(openApiSchema(kind), kind, invalid, defaults);
        assertThat(defaults[0]).as("defaults found").isPositive();
        assertThat(invalid).isEmpty();
    }

    @Test
    void defaultCheckFindsAnInvalidDefault() {
        List<String> invalid = new ArrayList<>();
        checkDefaults(dev.switchboard.testing.Yaml.tree("""
                properties:
                  deadline: {type: string, pattern: "^[0-9]+s$", default: soon}
                  attempts: {type: integer, minimum: 0, maximum: 10, default: 2}
                  mode: {type: string, enum: [Open, ApiKeys], default: Closed}
                """), "test", invalid, new int[1]);
        assertThat(invalid).hasSize(2).anySatisfy(m -> assertThat(m).startsWith("test.deadline"))
                .anySatisfy(m -> assertThat(m).startsWith("test.mode"));
    }

    private static final com.networknt.schema.JsonSchemaFactory V4 =
            com.networknt.schema.JsonSchemaFactory.getInstance(com.networknt.schema.SpecVersion.VersionFlag.V4);

    private static void checkDefaults(JsonNode schema, String path, List<String> invalid, int[] count) {
        if (schema.has("default")) {
            count[0]++;
            var property = schema.deepCopy();
            ((com.fasterxml.jackson.databind.node.ObjectNode) property).remove(List.of("x-kubernetes-validations", "description", "default"));
            var messages = V4.getSchema(property).validate(schema.get("default"));
            if (!messages.isEmpty()) {
                invalid.add(path + " default " + schema.get("default") + ": " + messages);
            }
        }
        schema.path("properties").fields().forEachRemaining(e -> checkDefaults(e.getValue(), path + "." + e.getKey(), invalid, count));
        if (schema.has("items")) {
            checkDefaults(schema.get("items"), path + "[]", invalid, count);
        }
    }

    private static void assertNames(JsonNode crd, String plural, String singular, String shortName) {
        JsonNode spec = crd.path("spec");
        assertThat(spec.path("group").asText()).isEqualTo("switchboard.dev");
        assertThat(spec.path("scope").asText()).isEqualTo("Namespaced");
        assertThat(spec.path("names").path("plural").asText()).isEqualTo(plural);
        assertThat(spec.path("names").path("singular").asText()).isEqualTo(singular);
        assertThat(texts(spec.path("names").path("shortNames"))).containsExactly(shortName);
        assertThat(texts(spec.path("names").path("categories"))).containsExactly("switchboard");
        assertThat(spec.path("versions")).hasSize(1);
        assertThat(spec.path("versions").path(0).path("name").asText()).isEqualTo("v1alpha1");
        assertThat(spec.path("versions").path(0).path("served").asBoolean()).isTrue();
        assertThat(spec.path("versions").path(0).path("storage").asBoolean()).isTrue();
    }

    private static void assertStatusSubresource(JsonNode crd) {
        JsonNode version = crd.path("spec").path("versions").path(0);
        assertThat(version.path("subresources").path("status").isObject()).as("status subresource").isTrue();
        assertThat(version.path("schema").path("openAPIV3Schema").path("properties").path("status").path("properties").size())
                .as("status schema properties").isPositive();
    }

    private static List<org.assertj.core.groups.Tuple> columns(JsonNode crd) {
        return StreamSupport.stream(crd.path("spec").path("versions").path(0).path("additionalPrinterColumns").spliterator(), false)
                .map(c -> tuple(c.path("name").asText(), c.path("jsonPath").asText(), c.path("type").asText(), c.path("priority").asInt()))
                .toList();
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    static JsonNode openApiSchema(String kind) {
        return CrdSchemaValidator.crd(kind).path("spec").path("versions").path(0).path("schema").path("openAPIV3Schema");
    }
}
