package dev.switchboard.resources;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.compiler.Problem;
import dev.switchboard.compiler.ProblemReason;
import dev.switchboard.compiler.ResourceRef;
import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Reads Provider, ModelGroup, RoutingPolicy and Secret documents from the YAML files of a directory (and
 * its subdirectories), checking each against its CRD schema. Never throws on bad content: unreadable
 * files, unknown fields and schema violations become problems that name the file, resource and field.
 *
 * <p>Local mode has no API server, so Secrets come from Secret YAML in the directory. A `stringData` or
 * decoded `data` value of the form `${env:NAME}` is replaced by the environment variable NAME; when that
 * variable is unset the key is treated as absent.
 */
public final class ResourceDirectory {

    public static final String DEFAULT_NAMESPACE = "default";
    private static final String API_VERSION = Provider.GROUP + "/" + Provider.VERSION;
    private static final Pattern ENV_REFERENCE = Pattern.compile("^\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}$");

    /** Built once: reading the CRDs and compiling their schemas would otherwise repeat on every reload. */
    private static final CrdSchemaValidator SCHEMAS = new CrdSchemaValidator();
    /** Duplicate keys are an error, as for kubectl; otherwise one of the values would silently win. */
    private final ObjectMapper yaml = YAMLMapper.builder().enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
    private final Function<String, String> environment;

    private ResourceDirectory(Function<String, String> environment) {
        this.environment = environment;
    }

    public static LoadedResources load(Path directory) {
        return load(directory, System::getenv);
    }

    public static LoadedResources load(Path directory, Function<String, String> environment) {
        return new ResourceDirectory(environment).read(directory);
    }

    private LoadedResources read(Path directory) {
        var collector = new Collector();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(f -> f.getFileName().toString().matches(".*\\.(ya?ml)$"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            collector.fileProblem(directory, "cannot list directory: " + e.getMessage());
            return collector.result();
        }
        for (Path file : files) {
            readFile(file, collector);
        }
        return collector.result();
    }

    private void readFile(Path file, Collector collector) {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = yaml.getFactory().createParser(Files.readString(file, StandardCharsets.UTF_8))) {
            var iterator = yaml.readValues(parser, JsonNode.class);
            while (iterator.hasNextValue()) {
                JsonNode document = iterator.nextValue();
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    documents.add(document);
                }
            }
        } catch (IOException | RuntimeException e) {
            collector.fileProblem(file, "not valid YAML: " + e.getMessage().lines().findFirst().orElse(""));
            return;
        }
        for (JsonNode document : documents) {
            readDocument(file, document, collector);
        }
    }

    private void readDocument(Path file, JsonNode document, Collector collector) {
        String apiVersion = document.path("apiVersion").asText();
        String kind = document.path("kind").asText();
        String name = document.path("metadata").path("name").asText(null);
        String namespace = document.path("metadata").path("namespace").asText(DEFAULT_NAMESPACE);
        var ref = new ResourceRef(kind.isEmpty() ? "Document" : kind, namespace, name);
        boolean isSecret = "v1".equals(apiVersion) && "Secret".equals(kind);
        if (!apiVersion.isEmpty() && !isSecret && !API_VERSION.equals(apiVersion)) {
            return; // Other objects (Namespaces, Deployments, a kustomization.yaml, ...) may share the directory; they are not ours.
        }
        if (name == null || name.isBlank()) {
            collector.origins.put(ref, file);
            collector.problems.add(Problem.error(ref, "metadata.name", ProblemReason.InvalidValue, "metadata.name is required"));
            return;
        }
        if (!document.path("metadata").has("namespace")) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) document.get("metadata")).put("namespace", DEFAULT_NAMESPACE);
        }
        Path earlier = collector.origins.get(ref);
        if (earlier != null) {
            collector.problems.add(Problem.error(ref, "metadata.name", ProblemReason.InvalidValue,
                    "defined twice: the copy in " + file + " is ignored, the one in " + earlier + " is used"));
            return;
        }
        if (isSecret) {
            collector.origins.put(ref, file);
            LocalSecret secret = secret(ref, document, collector);
            if (secret != null) {
                collector.secrets.add(secret);
            }
            return;
        }
        if (!API_VERSION.equals(apiVersion)) {
            collector.origins.put(ref, file);
            collector.problems.add(Problem.error(ref, "apiVersion", ProblemReason.InvalidValue, "apiVersion is required"));
            return;
        }
        Class<? extends HasMetadata> type = switch (kind) {
            case "Provider" -> Provider.class;
            case "ModelGroup" -> ModelGroup.class;
            case "RoutingPolicy" -> RoutingPolicy.class;
            default -> null;
        };
        collector.origins.put(ref, file);
        if (type == null) {
            collector.problems.add(Problem.error(ref, "kind", ProblemReason.InvalidValue, "unknown kind " + kind + " in " + API_VERSION));
            return;
        }
        var violations = SCHEMAS.validate(kind, document);
        violations.forEach(v -> collector.problems.add(Problem.error(ref, v.field(), ProblemReason.InvalidValue, v.message())));
        List<String> unknownFields = new ArrayList<>();
        HasMetadata resource;
        try {
            resource = yaml.copy()
                    .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
                    .addHandler(new UnknownFieldRecorder(unknownFields))
                    .treeToValue(document, type);
        } catch (IOException | IllegalArgumentException e) {
            if (violations.isEmpty()) {
                collector.problems.add(Problem.error(ref, "spec", ProblemReason.InvalidValue, "cannot read resource: " + e.getMessage().lines().findFirst().orElse("")));
            }
            return;
        }
        unknownFields.forEach(field -> collector.problems.add(Problem.warning(ref, field, ProblemReason.InvalidValue,
                "unknown field; the API server would drop it")));
        if (!violations.isEmpty()) {
            return; // The API server would reject it, so it takes no part in compiling.
        }
        if (resource instanceof Provider provider) {
            collector.providers.add(provider);
        } else if (resource instanceof ModelGroup group) {
            collector.modelGroups.add(group);
        } else {
            collector.policies.add((RoutingPolicy) resource);
        }
    }

    /** The Secret with its values resolved, or null (and a problem) when a data value is not base64, as the API server would reject it. */
    private LocalSecret secret(ResourceRef ref, JsonNode document, Collector collector) {
        Map<String, String> values = new HashMap<>();
        var data = document.path("data").fields();
        while (data.hasNext()) {
            var entry = data.next();
            try {
                values.put(entry.getKey(), new String(Base64.getDecoder().decode(entry.getValue().asText().trim()), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                collector.problems.add(Problem.error(ref, "data." + entry.getKey(), ProblemReason.InvalidValue,
                        "not base64 (use stringData for plain text): " + e.getMessage()));
                return null;
            }
        }
        document.path("stringData").fields().forEachRemaining(entry -> values.put(entry.getKey(), entry.getValue().asText()));
        Map<String, String> resolved = new HashMap<>();
        values.forEach((key, value) -> {
            Matcher reference = ENV_REFERENCE.matcher(value.trim());
            String actual = reference.matches() ? environment.apply(reference.group(1)) : value;
            if (actual != null) {
                resolved.put(key, actual);
            }
        });
        return new LocalSecret(ref.name(), strings(document.path("metadata").path("labels")),
                strings(document.path("metadata").path("annotations")), resolved);
    }

    private static Map<String, String> strings(JsonNode map) {
        Map<String, String> strings = new HashMap<>();
        map.fields().forEachRemaining(entry -> strings.put(entry.getKey(), entry.getValue().asText()));
        return strings;
    }

    /** Records unknown fields as dotted paths instead of failing, so one typo does not hide the rest. */
    private static final class UnknownFieldRecorder extends DeserializationProblemHandler {
        private final List<String> fields;

        UnknownFieldRecorder(List<String> fields) {
            this.fields = fields;
        }

        @Override
        public boolean handleUnknownProperty(DeserializationContext context, JsonParser parser, JsonDeserializer<?> deserializer,
                Object beanOrClass, String propertyName) throws IOException {
            String path = fieldPath(parser.getParsingContext());
            fields.add(path.isEmpty() ? propertyName : path);
            parser.skipChildren();
            return true;
        }

        /** `spec.targets[0].wieght`: the same spelling as schema violations and compiler problems use. */
        private static String fieldPath(JsonStreamContext context) {
            List<String> segments = new ArrayList<>();
            for (JsonStreamContext at = context; at != null && !at.inRoot(); at = at.getParent()) {
                if (at.inArray() && at.hasCurrentIndex()) {
                    segments.add(0, "[" + at.getCurrentIndex() + "]");
                } else if (at.inObject() && at.hasCurrentName()) {
                    segments.add(0, "." + at.getCurrentName());
                }
            }
            String path = String.join("", segments);
            return path.startsWith(".") ? path.substring(1) : path;
        }
    }

    private static final class Collector {
        final List<Provider> providers = new ArrayList<>();
        final List<ModelGroup> modelGroups = new ArrayList<>();
        final List<RoutingPolicy> policies = new ArrayList<>();
        final List<LocalSecret> secrets = new ArrayList<>();
        final Map<ResourceRef, Path> origins = new HashMap<>();
        final List<Problem> problems = new ArrayList<>();

        void fileProblem(Path file, String message) {
            var ref = new ResourceRef("File", null, file.toString());
            origins.put(ref, file);
            problems.add(Problem.error(ref, "", ProblemReason.InvalidValue, message));
        }

        LoadedResources result() {
            return new LoadedResources(providers, modelGroups, policies, secrets, origins, problems);
        }
    }
}
