package dev.switchboard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.operator.testing.Kustomize;
import dev.switchboard.operator.testing.Manifests;
import dev.switchboard.resources.CrdSchemaValidator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;

/**
 * The OLM bundle (olm-bundle/) installs the same operator as manifests/install: its CRDs are crds/ byte for
 * byte, the CSV grants exactly the install RBAC and runs the same Deployment, its alm-examples are the
 * samples and pass the CRD schemas, and its descriptors point at fields that exist.
 * Rewrite the CRD copies after an API change: {@code -Dswitchboard.bundle.update=true}.
 */
class OlmBundleTest {

    static final Path ROOT = Manifests.repoRoot();
    static final Path BUNDLE = ROOT.resolve("olm-bundle");
    static final Path CSV = BUNDLE.resolve("manifests/switchboard-operator.clusterserviceversion.yaml");
    static final String UPDATE_PROPERTY = "switchboard.bundle.update";
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void bundleCrdsAreTheCommittedCrds() throws IOException {
        Set<String> crds = new TreeSet<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("crds"))) {
            for (Path crd : files.filter(f -> f.toString().endsWith(".switchboard.dev.yaml")).toList()) {
                String name = crd.getFileName().toString();
                crds.add(name);
                Path copy = BUNDLE.resolve("manifests").resolve(name);
                byte[] expected = Files.readAllBytes(crd);
                if (Boolean.getBoolean(UPDATE_PROPERTY)) {
                    Files.write(copy, expected);
                } else if (!Files.exists(copy) || !Arrays.equals(Files.readAllBytes(copy), expected)) {
                    fail("olm-bundle/manifests/" + name + " differs from crds/" + name
                            + ". Update with: ./mvnw -B -q -pl operator test -Dtest=OlmBundleTest -D" + UPDATE_PROPERTY + "=true");
                }
            }
        }
        assertThat(crds).hasSize(3);
        try (Stream<Path> files = Files.list(BUNDLE.resolve("manifests"))) {
            Set<String> bundled = files.map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
            Set<String> expected = new TreeSet<>(crds);
            expected.add(CSV.getFileName().toString());
            if (Boolean.getBoolean(UPDATE_PROPERTY)) {
                for (String stale : bundled) {
                    if (!expected.contains(stale)) {
                        Files.delete(BUNDLE.resolve("manifests").resolve(stale));
                    }
                }
            } else {
                assertThat(bundled).as("olm-bundle/manifests holds the CSV and the CRDs, nothing else").isEqualTo(expected);
            }
        }
    }

    @Test
    void csvGrantsExactlyTheInstallRbac() throws IOException {
        List<HasMetadata> rbac = InstallManifestsTest.readAll(ROOT.resolve("manifests/install/rbac.yaml"));
        String serviceAccount = Manifests.ofType(rbac, ServiceAccount.class).get(0).getMetadata().getName();
        List<Map<String, Object>> clusterRules = asMaps(Manifests.ofType(rbac, ClusterRole.class).get(0).getRules());
        List<Map<String, Object>> namespacedRules = asMaps(Manifests.ofType(rbac, Role.class).get(0).getRules());

        Map<String, Object> install = Kustomize.map(Kustomize.map(csv(), "spec"), "install");
        assertThat(install.get("strategy")).isEqualTo("deployment");
        Map<String, Object> spec = Kustomize.map(install, "spec");
        assertThat(spec.get("clusterPermissions")).isEqualTo(List.of(Map.of("serviceAccountName", serviceAccount, "rules", clusterRules)));
        assertThat(spec.get("permissions")).isEqualTo(List.of(Map.of("serviceAccountName", serviceAccount, "rules", namespacedRules)));
    }

    /**
     * The Deployment of manifests/install, plus one variable: OLM writes the namespaces an OperatorGroup
     * targets into the pod annotation olm.targetNamespaces (empty for all namespaces, which the operator
     * reads as all namespaces: WatchAllNamespacesTest).
     */
    @Test
    @SuppressWarnings("unchecked")
    void csvRunsTheInstallDeploymentWithOlmsTargetNamespaces() throws IOException {
        Deployment deployment = Manifests.ofType(InstallManifestsTest.readAll(ROOT.resolve("manifests/install/operator.yaml")), Deployment.class).get(0);
        Map<String, Object> expected = Manifests.SERIALIZATION.convertValue(deployment.getSpec(), Map.class);
        Map<String, Object> container = ((List<Map<String, Object>>) Kustomize.map(Kustomize.map(expected, "template"), "spec")
                .get("containers")).get(0);
        List<Object> env = new ArrayList<>((List<Object>) container.get("env"));
        env.add(0, Map.of("name", "QUARKUS_OPERATOR_SDK_NAMESPACES",
                "valueFrom", Map.of("fieldRef", Map.of("fieldPath", "metadata.annotations['olm.targetNamespaces']"))));
        container.put("env", env);

        List<Map<String, Object>> deployments = (List<Map<String, Object>>) Kustomize.map(Kustomize.map(Kustomize.map(csv(), "spec"),
                "install"), "spec").get("deployments");
        assertThat(deployments).hasSize(1);
        assertThat(deployments.get(0).get("name")).isEqualTo(deployment.getMetadata().getName());
        assertThat(deployments.get(0).get("label")).isEqualTo(deployment.getMetadata().getLabels());
        Map<String, Object> actual = Manifests.SERIALIZATION.convertValue(
                Manifests.SERIALIZATION.convertValue(deployments.get(0).get("spec"), io.fabric8.kubernetes.api.model.apps.DeploymentSpec.class), Map.class);
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void almExamplesAreTheSamplesAndPassTheCrdSchemas() throws IOException {
        JsonNode examples = JSON.readTree(String.valueOf(Kustomize.map(Kustomize.map(csv(), "metadata"), "annotations").get("alm-examples")));
        CrdSchemaValidator validator = new CrdSchemaValidator();
        Map<String, JsonNode> byName = new TreeMap<>();
        for (JsonNode example : examples) {
            String kind = example.path("kind").asText();
            assertThat(validator.validate(kind, example)).as(kind + " " + example.path("metadata").path("name").asText()).isEmpty();
            byName.put(kind + "/" + example.path("metadata").path("name").asText(), example.path("spec"));
        }
        Map<String, JsonNode> samples = new TreeMap<>();
        // Read as plain YAML, not through the CR classes, so the comparison sees the samples as written.
        try (Stream<Path> files = Files.list(Manifests.samples())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
                    JsonNode sample = JSON.valueToTree(Manifests.SERIALIZATION.unmarshal(document, Map.class));
                    if (!sample.path("kind").asText().equals("Secret")) {
                        samples.put(sample.path("kind").asText() + "/" + sample.path("metadata").path("name").asText(), sample.path("spec"));
                    }
                }
            }
        }
        assertThat(byName.keySet()).containsExactlyElementsOf(samples.keySet());
        samples.forEach((key, spec) -> assertThat(byName.get(key)).as(key).isEqualTo(spec));
        // Every kind has an example, so the console's "Create" form starts from something valid.
        assertThat(byName.keySet().stream().map(k -> k.substring(0, k.indexOf('/'))).distinct())
                .containsExactlyInAnyOrder("Provider", "ModelGroup", "RoutingPolicy");
    }

    @Test
    @SuppressWarnings("unchecked")
    void ownedCrdsMatchTheCrdsAndTheirDescriptorsNameRealFields() throws IOException {
        List<Map<String, Object>> owned = (List<Map<String, Object>>) Kustomize.map(Kustomize.map(csv(), "spec"), "customresourcedefinitions")
                .get("owned");
        Map<String, Map<String, Object>> crds = new TreeMap<>();
        for (Map<String, Object> crd : ArgoCdApplicationTest.crds()) {
            crds.put(Kustomize.name(crd), crd);
        }
        assertThat(owned.stream().map(o -> String.valueOf(o.get("name"))).sorted().toList()).containsExactlyElementsOf(crds.keySet());
        for (Map<String, Object> entry : owned) {
            Map<String, Object> spec = Kustomize.map(crds.get(entry.get("name")), "spec");
            Map<String, Object> version = ((List<Map<String, Object>>) spec.get("versions")).get(0);
            assertThat(entry.get("kind")).isEqualTo(Kustomize.map(spec, "names").get("kind"));
            assertThat(entry.get("version")).isEqualTo(version.get("name"));
            assertThat(entry.get("description")).asString().isNotBlank();
            Map<String, Object> schema = Kustomize.map(Kustomize.map(version, "schema"), "openAPIV3Schema");
            for (String section : List.of("spec", "status")) {
                List<Map<String, Object>> descriptors = (List<Map<String, Object>>) entry.get(section + "Descriptors");
                assertThat(descriptors).as(entry.get("kind") + " " + section + "Descriptors").isNotEmpty();
                for (Map<String, Object> descriptor : descriptors) {
                    String path = String.valueOf(descriptor.get("path"));
                    assertThat(hasField(Kustomize.map(Kustomize.map(schema, "properties"), section), path))
                            .as(entry.get("kind") + " " + section + "." + path).isTrue();
                }
            }
        }
    }

    static boolean hasField(Map<String, Object> schema, String dottedPath) {
        Map<String, Object> current = schema;
        for (String part : dottedPath.split("\\.")) {
            Map<String, Object> properties = Kustomize.map(current, "properties");
            if (!properties.containsKey(part)) {
                return false;
            }
            current = Kustomize.map(properties, part);
        }
        return true;
    }

    @Test
    void csvCarriesTheCatalogMetadata() throws IOException {
        Map<String, Object> csv = csv();
        Map<String, Object> spec = Kustomize.map(csv, "spec");
        String tag = ImageReferencesTest.tag();
        assertThat(Kustomize.name(csv)).isEqualTo("switchboard-operator.v" + tag);
        assertThat(spec.get("version")).isEqualTo(tag);
        assertThat(Kustomize.map(Kustomize.map(csv, "metadata"), "annotations").get("containerImage"))
                .isEqualTo(ImageReferencesTest.image("operator"));
        assertThat(spec.get("description")).asString().contains("Provider", "ModelGroup", "RoutingPolicy");
        assertThat((List<?>) spec.get("keywords")).isNotEmpty();
        assertThat((List<?>) spec.get("maintainers")).isNotEmpty();
        @SuppressWarnings("unchecked")
        Map<String, Object> icon = ((List<Map<String, Object>>) spec.get("icon")).get(0);
        assertThat(icon.get("mediatype")).isEqualTo("image/svg+xml");
        assertThat(new String(Base64.getDecoder().decode(String.valueOf(icon.get("base64data"))), StandardCharsets.UTF_8)).startsWith("<svg");
        // The operator can watch all namespaces, its own, or a list (QUARKUS_OPERATOR_SDK_NAMESPACES).
        @SuppressWarnings("unchecked")
        Map<Object, Object> modes = ((List<Map<String, Object>>) spec.get("installModes")).stream()
                .collect(Collectors.toMap(m -> m.get("type"), m -> m.get("supported")));
        assertThat(modes).isEqualTo(Map.of("OwnNamespace", true, "SingleNamespace", true, "MultiNamespace", true, "AllNamespaces", true));
    }

    /** OLM reads the bundle's metadata from the image labels and from metadata/annotations.yaml; they must agree. */
    @Test
    void bundleDockerfileLabelsRepeatTheAnnotations() throws IOException {
        Map<String, Object> file = Manifests.SERIALIZATION.unmarshal(Files.readString(BUNDLE.resolve("metadata/annotations.yaml")), Map.class);
        Map<String, Object> annotations = new LinkedHashMap<>(Kustomize.map(file, "annotations"));
        Map<String, String> labels = Files.readString(BUNDLE.resolve("bundle.Dockerfile")).lines().filter(l -> l.startsWith("LABEL "))
                .map(l -> l.substring("LABEL ".length()).split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
        assertThat(labels).isEqualTo(annotations);
        assertThat(annotations).containsEntry("operators.operatorframework.io.bundle.mediatype.v1", "registry+v1")
                .containsEntry("operators.operatorframework.io.bundle.package.v1", "switchboard-operator");
        assertThat(BUNDLE.resolve(String.valueOf(annotations.get("operators.operatorframework.io.bundle.manifests.v1")))).isDirectory();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> csv() throws IOException {
        return Manifests.SERIALIZATION.unmarshal(Files.readString(CSV), Map.class);
    }

    static List<Map<String, Object>> asMaps(List<?> values) {
        return values.stream().map(v -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> map = Manifests.SERIALIZATION.convertValue(v, Map.class);
            return map;
        }).toList();
    }
}
