package dev.switchboard.gateway.dialect.gemini;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.switchboard.gateway.dialect.Untranslatable;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Converts the JSON Schema of OpenAI tool parameters and `json_schema` response formats into Gemini's `Schema`
 * (an OpenAPI 3.0 subset). Local `$ref`s are inlined, `["x","null"]` types and null branches become `nullable`,
 * `oneOf` becomes `anyOf`, `const` a one-value enum. Pure annotations Gemini lacks are left out (they constrain
 * nothing), and so are `additionalProperties: false` (Gemini never adds undeclared properties) and `format`s
 * Gemini does not know (in JSON Schema, `format` is an annotation unless a validator opts in). Every keyword that
 * constrains values and has no Gemini equivalent is refused, naming it.
 */
final class GeminiSchemas {

    private static final Set<String> COPIED = Set.of("description", "title", "required", "minItems", "maxItems", "minLength",
            "maxLength", "pattern", "minimum", "maximum", "minProperties", "maxProperties", "default", "example", "nullable");
    private static final Set<String> DROPPED = Set.of("$schema", "$id", "$comment", "examples", "readOnly", "writeOnly",
            "deprecated", "$defs", "definitions", "additionalProperties", "strict");
    private static final Map<String, Set<String>> FORMATS = Map.of(
            "STRING", Set.of("enum", "date-time"),
            "NUMBER", Set.of("float", "double"),
            "INTEGER", Set.of("int32", "int64"));
    private static final List<String> TYPES = List.of("string", "number", "integer", "boolean", "array", "object");
    private static final int MAX_DEPTH = 64;

    private final JsonObject root;
    private final String param;
    private final Deque<String> refs = new ArrayDeque<>();

    private GeminiSchemas(JsonObject root, String param) {
        this.root = root;
        this.param = param;
    }

    /** The Gemini schema for a JSON schema; param names the request field for errors (e.g. tools[0].function.parameters). */
    static JsonObject convert(JsonObject schema, String param) throws Untranslatable {
        return new GeminiSchemas(schema, param).node(schema, "", 0);
    }

    private JsonObject node(JsonObject schema, String path, int depth) throws Untranslatable {
        if (depth > MAX_DEPTH) {
            throw GeminiRequests.unsupported(param, "JSON schema nested deeper than " + MAX_DEPTH + " levels");
        }
        if (schema.containsKey("$ref")) {
            return reference(schema, path, depth);
        }
        JsonObject out = new JsonObject();
        for (Map.Entry<String, Object> entry : schema) {
            String key = entry.getKey();
            Object value = entry.getValue();
            String at = path + "/" + key;
            switch (key) {
                case "type" -> type(value, out, at);
                case "properties" -> {
                    JsonObject properties = new JsonObject();
                    for (Map.Entry<String, Object> property : object(value, at)) {
                        properties.put(property.getKey(), node(object(property.getValue(), at + "/" + property.getKey()),
                                at + "/" + property.getKey(), depth + 1));
                    }
                    out.put("properties", properties);
                }
                case "items" -> {
                    if (value instanceof JsonArray) {
                        throw GeminiRequests.unsupported(param, "JSON schema tuple `items` (array form) at " + at);
                    }
                    out.put("items", node(object(value, at), at, depth + 1));
                }
                case "enum" -> out.put("enum", stringEnum(array(value, at), at));
                case "const" -> out.put("enum", stringEnum(new JsonArray().add(value), at));
                case "anyOf", "oneOf" -> alternatives(array(value, at), out, at, depth);
                case "format" -> out.put("format", value);
                default -> {
                    if (COPIED.contains(key)) {
                        out.put(key, value);
                    } else if (DROPPED.contains(key)) {
                        if ("additionalProperties".equals(key) && value instanceof JsonObject) {
                            throw GeminiRequests.unsupported(param, "JSON schema `additionalProperties` with a schema (map types) at " + at);
                        }
                    } else {
                        throw GeminiRequests.unsupported(param, "JSON schema keyword `" + key + "` at " + at);
                    }
                }
            }
        }
        if (out.containsKey("format") && !FORMATS.getOrDefault(out.getString("type", ""), Set.of()).contains(out.getString("format"))) {
            out.remove("format");
        }
        if (out.containsKey("enum") && !out.containsKey("type")) {
            out.put("type", "STRING");
        }
        return out;
    }

    private JsonObject reference(JsonObject schema, String path, int depth) throws Untranslatable {
        String ref = String.valueOf(schema.getValue("$ref"));
        String name;
        JsonObject defs;
        if (ref.startsWith("#/$defs/")) {
            name = ref.substring(8);
            defs = root.getJsonObject("$defs");
        } else if (ref.startsWith("#/definitions/")) {
            name = ref.substring(14);
            defs = root.getJsonObject("definitions");
        } else if ("#".equals(ref)) {
            throw GeminiRequests.unsupported(param, "recursive JSON schema ($ref " + ref + " at " + path + ")");
        } else {
            throw GeminiRequests.unsupported(param, "JSON schema $ref other than #/$defs/... (" + ref + " at " + path + ")");
        }
        if (defs == null || !(defs.getValue(name) instanceof JsonObject target)) {
            throw Untranslatable.invalid(param, "JSON schema $ref " + ref + " points nowhere (at " + path + ")");
        }
        if (refs.contains(ref)) {
            throw GeminiRequests.unsupported(param, "recursive JSON schema ($ref " + ref + " at " + path + ")");
        }
        refs.push(ref);
        JsonObject merged = target.copy();
        schema.forEach(e -> {
            if (!"$ref".equals(e.getKey())) {
                merged.put(e.getKey(), e.getValue());
            }
        });
        JsonObject out = node(merged, path, depth + 1);
        refs.pop();
        return out;
    }

    private void type(Object value, JsonObject out, String at) throws Untranslatable {
        String single = null;
        if (value instanceof String s) {
            single = s;
        } else if (value instanceof JsonArray types) {
            for (Object t : types) {
                if ("null".equals(t)) {
                    out.put("nullable", true);
                } else if (single == null) {
                    single = String.valueOf(t);
                } else {
                    throw GeminiRequests.unsupported(param, "JSON schema with several non-null types " + types + " at " + at);
                }
            }
        }
        if (single == null) {
            return;
        }
        if ("null".equals(single)) {
            out.put("nullable", true);
            return;
        }
        if (!TYPES.contains(single)) {
            throw Untranslatable.invalid(param, "JSON schema type `" + single + "` is not a JSON schema type (at " + at + ")");
        }
        out.put("type", single.toUpperCase(Locale.ROOT));
    }

    private void alternatives(JsonArray branches, JsonObject out, String at, int depth) throws Untranslatable {
        JsonArray converted = new JsonArray();
        for (int i = 0; i < branches.size(); i++) {
            JsonObject branch = object(branches.getValue(i), at + "/" + i);
            if ("null".equals(branch.getValue("type")) && branch.size() == 1) {
                out.put("nullable", true);
            } else {
                converted.add(node(branch, at + "/" + i, depth + 1));
            }
        }
        if (converted.size() == 1) {
            converted.getJsonObject(0).forEach(e -> out.put(e.getKey(), e.getValue()));
        } else if (!converted.isEmpty()) {
            out.put("anyOf", converted);
        }
    }

    private JsonArray stringEnum(JsonArray values, String at) throws Untranslatable {
        for (Object v : values) {
            if (!(v instanceof String)) {
                throw GeminiRequests.unsupported(param, "JSON schema enum/const with a non-string value (" + v + ") at " + at
                        + "; Gemini enums are strings only");
            }
        }
        return values;
    }

    private JsonObject object(Object value, String at) throws Untranslatable {
        if (value instanceof JsonObject o) {
            return o;
        }
        throw Untranslatable.invalid(param, "JSON schema: expected an object at " + at);
    }

    private JsonArray array(Object value, String at) throws Untranslatable {
        if (value instanceof JsonArray a) {
            return a;
        }
        throw Untranslatable.invalid(param, "JSON schema: expected an array at " + at);
    }
}
