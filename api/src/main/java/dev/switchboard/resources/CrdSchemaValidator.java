package dev.switchboard.resources;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * Validates resources against the openAPIV3Schema of the CRDs this build generated (shipped on the
 * classpath under META-INF/fabric8), so local files get the checks the API server would make. CEL rules
 * are not evaluated here; the compiler checks the same cross-field rules.
 */
public final class CrdSchemaValidator {

    /** Kubernetes schema extensions that carry no JSON-schema meaning. */
    private static final List<String> KUBERNETES_KEYWORDS = List.of("x-kubernetes-validations", "x-kubernetes-preserve-unknown-fields",
            "x-kubernetes-int-or-string", "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type",
            "x-kubernetes-embedded-resource", "nullable");

    private static final Map<String, String> CRD_FILES = Map.of(
            "Provider", "providers.switchboard.dev-v1.yml",
            "ModelGroup", "modelgroups.switchboard.dev-v1.yml",
            "RoutingPolicy", "routingpolicies.switchboard.dev-v1.yml");

    private final Map<String, JsonSchema> schemasByKind;

    public CrdSchemaValidator() {
        JsonMetaSchema v4 = JsonMetaSchema.getV4();
        JsonMetaSchema.Builder meta = JsonMetaSchema.builder(v4.getIri(), v4);
        KUBERNETES_KEYWORDS.forEach(keyword -> meta.keyword(new NonValidationKeyword(keyword)));
        JsonSchemaFactory factory = JsonSchemaFactory.builder(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4))
                .metaSchema(meta.build())
                .build();
        ObjectMapper yaml = new YAMLMapper();
        this.schemasByKind = CRD_FILES.entrySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(
                Map.Entry::getKey,
                entry -> factory.getSchema(openApiSchema(yaml, entry.getValue()))));
    }

    public static JsonNode crd(String kind) {
        return readCrd(new YAMLMapper(), CRD_FILES.get(kind));
    }

    private static JsonNode openApiSchema(ObjectMapper yaml, String file) {
        return readCrd(yaml, file).path("spec").path("versions").path(0).path("schema").path("openAPIV3Schema");
    }

    private static JsonNode readCrd(ObjectMapper yaml, String file) {
        try (InputStream in = CrdSchemaValidator.class.getResourceAsStream("/META-INF/fabric8/" + file)) {
            if (in == null) {
                throw new IllegalStateException("CRD " + file + " is not on the classpath; the build generates it");
            }
            return yaml.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A schema violation: the field as `spec.targets[0].weight` and the validator's message. */
    public record Violation(String field, String message) {
    }

    /** Violations of the kind's schema, empty for a valid resource or a kind without a CRD here. */
    public List<Violation> validate(String kind, JsonNode resource) {
        JsonSchema schema = schemasByKind.get(kind);
        if (schema == null) {
            return List.of();
        }
        return schema.validate(resource).stream()
                .sorted(java.util.Comparator.comparing(ValidationMessage::getMessage))
                .map(message -> new Violation(field(message), withoutLocation(message)))
                .toList();
    }

    /** The validator prefixes messages with the JSON path; the field is reported separately. */
    private static String withoutLocation(ValidationMessage message) {
        String prefix = message.getInstanceLocation().toString() + ": ";
        String text = message.getMessage();
        return text.startsWith(prefix) ? text.substring(prefix.length()) : text;
    }

    private static String field(ValidationMessage message) {
        String path = message.getInstanceLocation().toString();
        String field = path.startsWith("$.") ? path.substring(2) : path.equals("$") ? "" : path;
        if (message.getProperty() != null && "required".equals(message.getType())) {
            field = field.isEmpty() ? message.getProperty() : field + "." + message.getProperty();
        }
        return field;
    }
}
