package dev.switchboard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaInteger;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.operator.testing.Manifests;
import dev.switchboard.resources.CrdSchemaValidator;

/**
 * Runs the Argo CD health checks in manifests/argocd/resource_customizations the way Argo CD does: the
 * resource as the global {@code obj}, the script's returned table read for {@code status} and
 * {@code message}. Every case of each kind's health_test.yaml (Argo CD's own test layout) must give exactly
 * the expected status and message.
 */
class ArgoCdHealthTest {

    static final Path CUSTOMIZATIONS = Manifests.repoRoot().resolve("manifests/argocd/resource_customizations/switchboard.dev");
    static final List<String> KINDS = List.of("Provider", "ModelGroup", "RoutingPolicy");
    static final ObjectMapper JSON = new ObjectMapper();

    @TestFactory
    Stream<DynamicTest> everyHealthTestCasePasses() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String kind : KINDS) {
            Path dir = CUSTOMIZATIONS.resolve(kind);
            String script = Files.readString(dir.resolve("health.lua"));
            for (Map<String, Object> testCase : cases(dir)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> expected = (Map<String, Object>) testCase.get("healthStatus");
                String input = (String) testCase.get("inputPath");
                tests.add(DynamicTest.dynamicTest(kind + " " + input, () -> {
                    Object resource = Manifests.SERIALIZATION.unmarshal(Files.readString(dir.resolve(input)), Map.class);
                    LuaValue result = run(script, resource);
                    assertThat(result.get("status").tojstring()).isEqualTo(expected.get("status"));
                    assertThat(result.get("message").tojstring()).isEqualTo(expected.get("message"));
                }));
            }
        }
        return tests.stream();
    }

    /** Argo CD marks a resource Healthy, Progressing or Degraded; each kind's cases must show all three. */
    @Test
    void everyKindCoversHealthyProgressingAndDegraded() throws IOException {
        for (String kind : KINDS) {
            Set<Object> statuses = new TreeSet<>();
            for (Map<String, Object> testCase : cases(CUSTOMIZATIONS.resolve(kind))) {
                statuses.add(((Map<?, ?>) testCase.get("healthStatus")).get("status"));
                assertThat(CUSTOMIZATIONS.resolve(kind).resolve((String) testCase.get("inputPath"))).as(kind).isRegularFile();
            }
            assertThat(statuses).as(kind).containsExactly("Degraded", "Healthy", "Progressing");
        }
    }

    /**
     * The test inputs are resources the API server would accept, status included, so the scripts are tested
     * on the field names and shapes the operator really writes.
     */
    @Test
    void everyTestInputMatchesTheCrdSchemaIncludingStatus() throws IOException {
        CrdSchemaValidator validator = new CrdSchemaValidator();
        for (String kind : KINDS) {
            Path dir = CUSTOMIZATIONS.resolve(kind);
            for (Map<String, Object> testCase : cases(dir)) {
                Path input = dir.resolve((String) testCase.get("inputPath"));
                JsonNode resource = JSON.valueToTree(Manifests.SERIALIZATION.unmarshal(Files.readString(input), Map.class));
                assertThat(resource.path("kind").asText()).as(input.toString()).isEqualTo(kind);
                assertThat(validator.validate(kind, resource)).as(input.toString()).isEmpty();
                JsonNode schema = CrdSchemaValidator.crd(kind).path("spec").path("versions").path(0).path("schema").path("openAPIV3Schema");
                // spec and status: the generated schema leaves apiVersion, kind and metadata to the API server.
                for (String section : List.of("spec", "status")) {
                    assertThat(unknownFields(resource.path(section), schema.path("properties").path(section), "." + section))
                            .as(input + ": fields the API server would prune").isEmpty();
                }
            }
        }
    }

    /** Paths of fields the schema does not declare (the API server drops them), where the schema lists properties. */
    static List<String> unknownFields(JsonNode value, JsonNode schema, String path) {
        List<String> unknown = new ArrayList<>();
        if (value.isObject() && schema.has("properties")) {
            value.fields().forEachRemaining(field -> {
                JsonNode property = schema.path("properties").path(field.getKey());
                if (property.isMissingNode()) {
                    unknown.add(path + "." + field.getKey());
                } else {
                    unknown.addAll(unknownFields(field.getValue(), property, path + "." + field.getKey()));
                }
            });
        } else if (value.isArray() && schema.has("items")) {
            value.forEach(item -> unknown.addAll(unknownFields(item, schema.path("items"), path + "[]")));
        }
        return unknown;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> cases(Path kindDir) throws IOException {
        Map<String, Object> file = Manifests.SERIALIZATION.unmarshal(Files.readString(kindDir.resolve("health_test.yaml")), Map.class);
        return (List<Map<String, Object>>) file.get("tests");
    }

    static LuaValue run(String script, Object resource) {
        Globals globals = JsePlatform.standardGlobals();
        globals.set("obj", toLua(resource));
        LuaValue result = globals.load(script, "health.lua").call();
        assertThat(result.istable()).as("health.lua returns a table").isTrue();
        return result;
    }

    /** YAML as Argo CD hands it to Lua: objects become tables, lists 1-based arrays, scalars Lua values. */
    static LuaValue toLua(Object value) {
        if (value instanceof Map<?, ?> map) {
            LuaTable table = new LuaTable();
            map.forEach((k, v) -> table.set(String.valueOf(k), toLua(v)));
            return table;
        }
        if (value instanceof List<?> list) {
            LuaTable table = new LuaTable();
            for (int i = 0; i < list.size(); i++) {
                table.set(i + 1, toLua(list.get(i)));
            }
            return table;
        }
        if (value instanceof Boolean b) {
            return LuaValue.valueOf(b);
        }
        if (value instanceof Integer || value instanceof Long) {
            return LuaInteger.valueOf(((Number) value).longValue());
        }
        if (value instanceof Number n) {
            return LuaValue.valueOf(n.doubleValue());
        }
        return value == null ? LuaValue.NIL : LuaValue.valueOf(String.valueOf(value));
    }
}
