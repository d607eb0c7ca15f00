package dev.switchboard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
import dev.switchboard.operator.testing.OlmBundleSources;
import dev.switchboard.resources.CrdSchemaValidator;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;

/**
 * The OLM bundle installs the same operator as manifests/install. Two halves:
 * <ul>
 * <li>the bundle generator's inputs follow the repository: src/main/kubernetes/kubernetes.yml is manifests/install's
 * RBAC and Deployment, the alm-examples property is the samples (rewritten with -Dswitchboard.bundle.update=true);</li>
 * <li>the committed olm-bundle/ is consistent: its CRDs are crds/ byte for byte, the CSV grants exactly the install
 * RBAC, runs the install Deployment (with the differences the generator forces, listed below), its alm-examples pass
 * the CRD schemas and its descriptors name real fields.</li>
 * </ul>
 * OlmBundleIT, after the build, checks that olm-bundle/ is what the generator wrote.
 */
class OlmBundleTest {

    static final Path ROOT = Manifests.repoRoot();
    static final Path BUNDLE = ROOT.resolve("olm-bundle");
    static final Path CSV = BUNDLE.resolve("manifests/switchboard-operator.clusterserviceversion.yaml");
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void kubernetesYmlIsTheInstallRbacAndDeployment() throws IOException {
        String expected = OlmBundleSources.kubernetesYmlFromInstall();
        Path file = OlmBundleSources.kubernetesYml();
        if (OlmBundleSources.updating()) {
            Files.writeString(file, expected);
        } else if (!Files.exists(file) || !Files.readString(file).equals(expected)) {
            fail("operator/src/main/kubernetes/kubernetes.yml differs from manifests/install. Update with: " + OlmBundleSources.UPDATE_COMMAND);
        }
    }

    @Test
    void almExamplesPropertyIsTheSamples() throws IOException {
        Path file = OlmBundleSources.applicationProperties();
        String properties = Files.readString(file);
        String expected = OlmBundleSources.withAlmExamples(properties);
        if (OlmBundleSources.updating()) {
            Files.writeString(file, expected);
        } else if (!properties.equals(expected)) {
            fail(OlmBundleSources.ALM_EXAMPLES_PROPERTY + " in application.properties differs from manifests/samples. Update with: "
                    + OlmBundleSources.UPDATE_COMMAND);
        }
        Properties loaded = new Properties();
        loaded.load(new StringReader(expected));
        assertThat(JSON.readTree(loaded.getProperty(OlmBundleSources.ALM_EXAMPLES_PROPERTY)))
                .containsExactlyElementsOf(OlmBundleSources.samples());
    }

    @Test
    void bundleCrdsAreTheCommittedCrds() throws IOException {
        skipWhileUpdating();
        Set<String> expected = new TreeSet<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("crds"))) {
            for (Path crd : files.filter(f -> f.toString().endsWith(".switchboard.dev.yaml")).toList()) {
                String name = crd.getFileName().toString().replace(".yaml", "-v1.crd.yml");
                expected.add(name);
                Path copy = BUNDLE.resolve("manifests").resolve(name);
                assertThat(copy).as("olm-bundle/manifests/" + name + " is crds/" + crd.getFileName() + ". Update with: "
                        + OlmBundleSources.UPDATE_COMMAND).exists().hasSameBinaryContentAs(crd);
            }
        }
        assertThat(expected).hasSize(3);
        expected.add(CSV.getFileName().toString());
        try (Stream<Path> files = Files.list(BUNDLE.resolve("manifests"))) {
            Set<String> bundled = files.map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
            assertThat(bundled)
                    .as("olm-bundle/manifests holds the CSV and the CRDs, nothing else").isEqualTo(expected);
        }
    }

    @Test
    void csvGrantsExactlyTheInstallRbac() throws IOException {
        skipWhileUpdating();
        List<HasMetadata> rbac = InstallManifestsTest.readAll(ROOT.resolve("manifests/install/rbac.yaml"));
        String serviceAccount = Manifests.ofType(rbac, ServiceAccount.class).get(0).getMetadata().getName();
        List<Map<String, Object>> clusterRules = asMaps(Manifests.ofType(rbac, ClusterRole.class).get(0).getRules());
        List<Map<String, Object>> namespacedRules = asMaps(Manifests.ofType(rbac, Role.class).get(0).getRules());

        Map<String, Object> install = Kustomize.map(Kustomize.map(csv(), "spec"), "install");
        assertThat(install.get("strategy")).isEqualTo("deployment");
        Map<String, Object> spec = Kustomize.map(install, "spec");
        // OLM grants permissions in the OperatorGroup's target namespaces (all of them only for AllNamespaces) and
        // clusterPermissions everywhere in every install mode: the operator needs nothing cluster-scoped.
        assertThat(spec).as("no cluster-wide grant in any install mode").doesNotContainKey("clusterPermissions");
        List<Map<String, Object>> rules = new ArrayList<>(clusterRules);
        rules.addAll(namespacedRules);
        assertThat(spec.get("permissions")).isEqualTo(List.of(Map.of("serviceAccountName", serviceAccount, "rules", rules)));
    }

    /**
     * The Deployment of manifests/install, plus what the generator adds and cannot be told to leave out:
     * <ul>
     * <li>every controller's watched namespaces from OLM's olm.targetNamespaces pod annotation (empty for
     * AllNamespaces, which the operator reads as all namespaces: WatchAllNamespacesTest), so the OperatorGroup decides;</li>
     * <li>a startup probe on /q/health/started, and the liveness and readiness probes spelled out: Kubernetes'
     * defaults written explicitly and the port as its number;</li>
     * <li>imagePullPolicy IfNotPresent, Kubernetes' default for a tagged image;</li>
     * <li>the pod label app.kubernetes.io/managed-by and the pod annotation app.quarkus.io/quarkus-version.</li>
     * </ul>
     * Nothing else may differ.
     */
    @Test
    @SuppressWarnings("unchecked")
    void csvRunsTheInstallDeployment() throws IOException {
        skipWhileUpdating();
        Deployment deployment = Manifests.ofType(InstallManifestsTest.readAll(ROOT.resolve("manifests/install/operator.yaml")), Deployment.class).get(0);
        Map<String, Object> expected = Manifests.SERIALIZATION.convertValue(deployment.getSpec(), Map.class);
        Map<String, Object> expectedContainer = firstContainer(expected);
        List<Object> env = new ArrayList<>((List<Object>) expectedContainer.get("env"));
        // Sorted by name in the committed copy (OlmBundleIT).
        for (String controller : List.of("MODELGROUP", "PROVIDER", "ROUTINGPOLICY")) {
            env.add(Map.of("name", "QUARKUS_OPERATOR_SDK_CONTROLLERS_" + controller + "_NAMESPACES",
                    "valueFrom", Map.of("fieldRef", Map.of("fieldPath", "metadata.annotations['olm.targetNamespaces']"))));
        }
        expectedContainer.put("env", env);

        List<Map<String, Object>> deployments = (List<Map<String, Object>>) Kustomize.map(Kustomize.map(Kustomize.map(csv(), "spec"),
                "install"), "spec").get("deployments");
        assertThat(deployments).hasSize(1);
        assertThat(deployments.get(0).get("name")).isEqualTo(deployment.getMetadata().getName());
        Map<String, Object> actual = Manifests.SERIALIZATION.convertValue(
                Manifests.SERIALIZATION.convertValue(deployments.get(0).get("spec"), io.fabric8.kubernetes.api.model.apps.DeploymentSpec.class), Map.class);

        Map<String, Object> pod = Kustomize.map(actual, "template");
        assertThat(Kustomize.map(Kustomize.map(pod, "metadata"), "labels").remove("app.kubernetes.io/managed-by")).isEqualTo("quarkus");
        assertThat(Kustomize.map(Kustomize.map(pod, "metadata"), "annotations").remove("app.quarkus.io/quarkus-version")).isNotNull();
        Map<String, Object> container = firstContainer(actual);
        assertThat(container.remove("imagePullPolicy")).isEqualTo("IfNotPresent");
        Map<String, Object> startup = (Map<String, Object>) container.remove("startupProbe");
        assertThat(Kustomize.map(startup, "httpGet").get("path")).isEqualTo("/q/health/started");
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
            withoutKubernetesDefaults((Map<String, Object>) container.get(probe));
        }
        assertThat(actual).isEqualTo(expected);
    }

    /** Removes what a probe states that Kubernetes would assume anyway, and names the container port http. */
    static void withoutKubernetesDefaults(Map<String, Object> probe) {
        Map<String, Object> defaults = Map.of("initialDelaySeconds", 0, "timeoutSeconds", 1, "successThreshold", 1, "failureThreshold", 3);
        defaults.forEach((field, value) -> {
            assertThat(probe.get(field)).as(field).isIn(value, null);
            probe.remove(field);
        });
        Map<String, Object> httpGet = Kustomize.map(probe, "httpGet");
        assertThat(httpGet.remove("scheme")).isIn("HTTP", null);
        if (Integer.valueOf(8080).equals(httpGet.get("port"))) {
            httpGet.put("port", "http");
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> firstContainer(Map<String, Object> deploymentSpec) {
        return ((List<Map<String, Object>>) Kustomize.map(Kustomize.map(deploymentSpec, "template"), "spec").get("containers")).get(0);
    }

    @Test
    void almExamplesAreTheSamplesAndPassTheCrdSchemas() throws IOException {
        skipWhileUpdating();
        JsonNode examples = JSON.readTree(String.valueOf(Kustomize.map(Kustomize.map(csv(), "metadata"), "annotations").get("alm-examples")));
        assertThat(examples).containsExactlyElementsOf(OlmBundleSources.samples());
        CrdSchemaValidator validator = new CrdSchemaValidator();
        for (JsonNode example : examples) {
            String kind = example.path("kind").asText();
            assertThat(validator.validate(kind, example)).as(kind + " " + example.path("metadata").path("name").asText()).isEmpty();
        }
        // Every kind has an example, so the console's "Create" form starts from something valid.
        assertThat(examples.findValuesAsText("kind")).contains("Provider", "ModelGroup", "RoutingPolicy");
    }

    @Test
    @SuppressWarnings("unchecked")
    void ownedCrdsMatchTheCrdsAndTheirDescriptorsNameRealFields() throws IOException {
        skipWhileUpdating();
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
            assertThat(entry.get("displayName")).asString().isNotBlank();
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
        skipWhileUpdating();
        Map<String, Object> csv = csv();
        Map<String, Object> spec = Kustomize.map(csv, "spec");
        String tag = ImageReferencesTest.tag();
        assertThat(Kustomize.name(csv)).isEqualTo("switchboard-operator.v" + tag);
        assertThat(spec.get("version")).isEqualTo(tag);
        assertThat(Kustomize.map(Kustomize.map(csv, "metadata"), "annotations").get("containerImage"))
                .isEqualTo(ImageReferencesTest.image("operator"));
        assertThat(spec.get("displayName")).isEqualTo("Switchboard");
        assertThat(spec.get("description")).asString().contains("Provider", "ModelGroup", "RoutingPolicy");
        @SuppressWarnings("unchecked")
        List<String> keywords = (List<String>) spec.get("keywords");
        assertThat(keywords).isNotEmpty().doesNotContain("");
        assertThat((List<?>) spec.get("maintainers")).isNotEmpty();
        assertThat(Kustomize.map(spec, "provider").get("name")).isEqualTo("Switchboard");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> icons = (List<Map<String, Object>>) spec.get("icon");
        assertThat(icons).hasSize(1);
        assertThat(icons.get(0).get("mediatype")).isEqualTo("image/svg+xml");
        assertThat(new String(Base64.getDecoder().decode(String.valueOf(icons.get(0).get("base64data"))), StandardCharsets.UTF_8)).startsWith("<svg");
        // The operator can watch all namespaces, its own, or a list (QUARKUS_OPERATOR_SDK_CONTROLLERS_*_NAMESPACES).
        @SuppressWarnings("unchecked")
        Map<Object, Object> modes = ((List<Map<String, Object>>) spec.get("installModes")).stream()
                .collect(Collectors.toMap(m -> m.get("type"), m -> m.get("supported")));
        assertThat(modes).isEqualTo(Map.of("OwnNamespace", true, "SingleNamespace", true, "MultiNamespace", true, "AllNamespaces", true));
    }

    /** OLM reads the bundle's metadata from the image labels and from metadata/annotations.yaml; they must agree. */
    @Test
    void bundleDockerfileLabelsRepeatTheAnnotations() throws IOException {
        skipWhileUpdating();
        Map<String, Object> file = Manifests.SERIALIZATION.unmarshal(Files.readString(BUNDLE.resolve("metadata/annotations.yaml")), Map.class);
        Map<String, Object> annotations = new LinkedHashMap<>(Kustomize.map(file, "annotations"));
        Map<String, String> labels = Files.readString(BUNDLE.resolve("bundle.Dockerfile")).lines().filter(l -> l.startsWith("LABEL "))
                .map(l -> l.substring("LABEL ".length()).split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv[1]));
        assertThat(labels).isEqualTo(annotations);
        assertThat(annotations).containsEntry("operators.operatorframework.io.bundle.mediatype.v1", "registry+v1")
                .containsEntry("operators.operatorframework.io.bundle.package.v1", "switchboard-operator")
                .containsEntry("operators.operatorframework.io.bundle.channels.v1", "alpha")
                .containsEntry("operators.operatorframework.io.bundle.channel.default.v1", "alpha");
        assertThat(BUNDLE.resolve(String.valueOf(annotations.get("operators.operatorframework.io.bundle.manifests.v1")))).isDirectory();
    }

    /** With the update flag the committed bundle is about to be replaced by OlmBundleIT; checking the old one says nothing. */
    static void skipWhileUpdating() {
        assumeFalse(OlmBundleSources.updating(), "olm-bundle/ is being regenerated");
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
