package dev.switchboard.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What the OLM bundle generator is fed from the rest of the repository, derived the one way both the check and
 * the update use: src/main/kubernetes/kubernetes.yml from manifests/install, and the alm-examples property from
 * manifests/samples.
 */
public final class OlmBundleSources {

    public static final String UPDATE_PROPERTY = "switchboard.bundle.update";
    public static final String UPDATE_COMMAND = "./mvnw -B -q -pl api,operator -am test verify -Dtest=OlmBundleTest -Dit.test=OlmBundleIT -D"
            + UPDATE_PROPERTY + "=true -Dsurefire.failIfNoSpecifiedTests=false";
    public static final String ALM_EXAMPLES_PROPERTY = "quarkus.operator-sdk.bundle.bundles.QOSDK_DEFAULT.annotations.alm-examples";
    static final List<String> KINDS = List.of("Provider", "ModelGroup", "RoutingPolicy");
    static final String OPERATOR_NAMESPACE = "switchboard-system";
    static final ObjectMapper JSON = new ObjectMapper();

    private OlmBundleSources() {
    }

    public static boolean updating() {
        return Boolean.getBoolean(UPDATE_PROPERTY);
    }

    public static Path root() {
        return Manifests.repoRoot();
    }

    public static Path kubernetesYml() {
        return root().resolve("operator/src/main/kubernetes/kubernetes.yml");
    }

    public static Path applicationProperties() {
        return root().resolve("operator/src/main/resources/application.properties");
    }

    /**
     * manifests/install's RBAC and Deployment as the Kubernetes extension's input. The container has no name, so the
     * extension merges it into the application container (quarkus.kubernetes.container-name=operator) instead of
     * adding a second one next to it. The ClusterRole and its binding become a Role and RoleBinding: the generator turns
     * Roles into the CSV's {@code permissions}, which OLM grants in the OperatorGroup's target namespaces only (and
     * cluster-wide only for AllNamespaces), while {@code clusterPermissions} would be cluster-wide in every install mode.
     * The operator needs nothing cluster-scoped.
     */
    @SuppressWarnings("unchecked")
    public static String kubernetesYmlFromInstall() {
        StringBuilder out = new StringBuilder("""
                # Generated from manifests/install/rbac.yaml and operator.yaml; do not edit (OlmBundleTest keeps it equal).
                # Input of the Kubernetes extension, whose output the OLM bundle generator turns into the CSV's permissions
                # and Deployment. The container is nameless so that it merges into the application container. The ClusterRole
                # is a Role here: OLM grants a CSV's permissions in the target namespaces of the install mode only.
                """);
        boolean first = true;
        for (String file : List.of("rbac.yaml", "operator.yaml")) {
            for (Map<String, Object> object : documents(root().resolve("manifests/install").resolve(file))) {
                if ("ClusterRole".equals(object.get("kind"))) {
                    object.put("kind", "Role");
                    Kustomize.map(object, "metadata").put("namespace", OPERATOR_NAMESPACE);
                }
                if ("ClusterRoleBinding".equals(object.get("kind"))) {
                    object.put("kind", "RoleBinding");
                    Kustomize.map(object, "metadata").put("namespace", OPERATOR_NAMESPACE);
                    Kustomize.map(object, "roleRef").put("kind", "Role");
                }
                if ("Deployment".equals(object.get("kind"))) {
                    Map<String, Object> podSpec = Kustomize.map(Kustomize.map(Kustomize.map(object, "spec"), "template"), "spec");
                    ((List<Map<String, Object>>) podSpec.get("containers")).get(0).remove("name");
                }
                // Dekorate reads the header comment before a leading separator as an empty document, and fails.
                out.append(first ? "" : "---\n").append(Manifests.SERIALIZATION.asYaml(object).replaceFirst("^---\\n", ""));
                first = false;
            }
        }
        return out.toString();
    }

    /** The samples (Secrets aside), Providers first, then ModelGroups, then the RoutingPolicy, each in file order. */
    public static List<JsonNode> samples() {
        List<JsonNode> samples = new ArrayList<>();
        try (var files = Files.list(Manifests.samples())) {
            List<Path> sorted = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
            for (String kind : KINDS) {
                for (Path file : sorted) {
                    for (Map<String, Object> object : documents(file)) {
                        if (kind.equals(object.get("kind"))) {
                            samples.add(JSON.valueToTree(object));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return samples;
    }

    /** The property as application.properties holds it: one example per line, so a sample change is a readable diff. */
    public static String almExamplesProperty() {
        List<String> lines = new ArrayList<>();
        for (JsonNode sample : samples()) {
            lines.add("  " + sample.toString().replace("\\", "\\\\"));
        }
        return ALM_EXAMPLES_PROPERTY + "=[\\\n" + String.join(",\\\n", lines) + "]\n";
    }

    /** application.properties with the alm-examples property (and its continuation lines) replaced. */
    public static String withAlmExamples(String properties) {
        var matcher = Pattern.compile("(?m)^" + Pattern.quote(ALM_EXAMPLES_PROPERTY) + "=(?:.*\\\\\\n)*.*\\n").matcher(properties);
        if (!matcher.find()) {
            throw new AssertionError(ALM_EXAMPLES_PROPERTY + " is missing from application.properties");
        }
        return properties.substring(0, matcher.start()) + almExamplesProperty() + properties.substring(matcher.end());
    }

    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> documents(Path file) {
        try {
            List<Map<String, Object>> objects = new ArrayList<>();
            for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
                if (!document.lines().allMatch(line -> line.isBlank() || line.trim().startsWith("#"))) {
                    objects.add(Manifests.SERIALIZATION.unmarshal(document, Map.class));
                }
            }
            return objects;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
