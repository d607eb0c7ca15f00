package dev.switchboard.testing;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.switchboard.resources.CrdSchemaValidator;

/**
 * Evaluates the {@code x-kubernetes-validations} rules of a generated CRD against a resource, the way the API
 * server does: schema defaults are applied first, then every rule at a schema node whose value is present in
 * the resource is evaluated with {@code self} bound to that value (as plain Map/List/Long/Double/String/Boolean).
 * A rule that is false, or that cannot be evaluated, is a violation.
 */
public final class CelRules {

    private static final Cel CEL = CelFactory.standardCelBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN)
            .build();
    private static final Map<String, CelRuntime.Program> PROGRAMS = new ConcurrentHashMap<>();

    /** A failed rule: the field as the API server would name it (node path + fieldPath), and the rule's message. */
    public record Violation(String field, String rule, String message, String reason) {
        @Override
        public String toString() {
            return field + ": " + message + " (" + reason + ", rule `" + rule + "`)";
        }
    }

    /** One rule found in a schema, with the path of the node that carries it. */
    public record Rule(String path, String rule, String message, String fieldPath) {
    }

    private CelRules() {
    }

    private static final Map<String, JsonNode> SCHEMAS = new ConcurrentHashMap<>();

    /** The openAPIV3Schema of the kind's generated CRD (read once; callers must not modify it). */
    public static JsonNode schemaOf(String kind) {
        return SCHEMAS.computeIfAbsent(kind,
                k -> CrdSchemaValidator.crd(k).path("spec").path("versions").path(0).path("schema").path("openAPIV3Schema"));
    }

    public static List<Violation> validate(JsonNode resource) {
        String kind = resource.path("kind").asText();
        return validate(schemaOf(kind), resource);
    }

    public static List<Violation> validate(JsonNode schema, JsonNode resource) {
        JsonNode defaulted = withDefaults(schema, resource.deepCopy());
        List<Violation> violations = new ArrayList<>();
        walk(schema, defaulted, "", violations);
        return violations;
    }

    /** Every rule in a schema, for listing and for checking that tests cover them all. */
    public static List<Rule> rules(JsonNode schema) {
        List<Rule> rules = new ArrayList<>();
        collectRules(schema, "", rules);
        return rules;
    }

    private static void collectRules(JsonNode schema, String path, List<Rule> into) {
        for (JsonNode rule : schema.path("x-kubernetes-validations")) {
            into.add(new Rule(path, rule.path("rule").asText(), rule.path("message").asText(), rule.path("fieldPath").asText("")));
        }
        schema.path("properties").fields().forEachRemaining(e -> collectRules(e.getValue(), join(path, e.getKey()), into));
        if (schema.has("items")) {
            collectRules(schema.get("items"), path + "[*]", into);
        }
        if (schema.path("additionalProperties").isObject()) {
            collectRules(schema.get("additionalProperties"), path + ".*", into);
        }
    }

    /** Structural defaulting: an absent property with a schema default gets it, inside objects that are present. */
    public static JsonNode withDefaults(JsonNode schema, JsonNode value) {
        if (value == null) {
            return null;
        }
        if (value.isObject()) {
            ObjectNode object = (ObjectNode) value;
            Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields();
            while (properties.hasNext()) {
                var property = properties.next();
                if (!object.has(property.getKey()) && property.getValue().has("default")) {
                    object.set(property.getKey(), property.getValue().get("default").deepCopy());
                }
                if (object.has(property.getKey())) {
                    withDefaults(property.getValue(), object.get(property.getKey()));
                }
            }
            if (schema.path("additionalProperties").isObject()) {
                object.fields().forEachRemaining(e -> withDefaults(schema.get("additionalProperties"), e.getValue()));
            }
        } else if (value.isArray() && schema.has("items")) {
            value.forEach(item -> withDefaults(schema.get("items"), item));
        }
        return value;
    }

    private static void walk(JsonNode schema, JsonNode value, String path, List<Violation> into) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return;
        }
        for (JsonNode rule : schema.path("x-kubernetes-validations")) {
            String expression = rule.path("rule").asText();
            String field = path + rule.path("fieldPath").asText("");
            field = field.startsWith(".") ? field.substring(1) : field;
            String message = rule.path("message").asText("failed rule: " + expression);
            String reason = rule.path("reason").asText("FieldValueInvalid");
            try {
                Object result = program(expression).eval(Map.of("self", toJava(value)));
                if (!Boolean.TRUE.equals(result)) {
                    into.add(new Violation(field, expression, message, reason));
                }
            } catch (CelEvaluationException e) {
                into.add(new Violation(field, expression, message + " [rule could not be evaluated: " + e.getMessage() + "]", reason));
            }
        }
        if (value.isObject()) {
            value.fields().forEachRemaining(entry -> {
                JsonNode child = schema.path("properties").get(entry.getKey());
                if (child == null && schema.path("additionalProperties").isObject()) {
                    child = schema.get("additionalProperties");
                }
                if (child != null) {
                    walk(child, entry.getValue(), join(path, entry.getKey()), into);
                }
            });
        } else if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                walk(schema.get("items"), value.get(i), path + "[" + i + "]", into);
            }
        }
    }

    private static CelRuntime.Program program(String expression) {
        return PROGRAMS.computeIfAbsent(expression, rule -> {
            try {
                return CEL.createProgram(CEL.compile(rule).getAst());
            } catch (CelValidationException | CelEvaluationException e) {
                throw new IllegalStateException("CEL rule does not compile: " + rule + ": " + e.getMessage(), e);
            }
        });
    }

    /** JSON to the plain Java values CEL understands; nulls are dropped, as the API server prunes them. */
    public static Object toJava(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> {
                if (!e.getValue().isNull()) {
                    map.put(e.getKey(), toJava(e.getValue()));
                }
            });
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(item -> {
                if (!item.isNull()) {
                    list.add(toJava(item));
                }
            });
            return list;
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.asText();
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}
