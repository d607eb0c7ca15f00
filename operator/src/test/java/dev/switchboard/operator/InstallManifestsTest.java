package dev.switchboard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.operator.testing.Manifests;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;

/**
 * The install RBAC grants what the operator does: every kind a RoutingPolicy derives (taken from the
 * golden files, so a new dependent without a rule fails here), status of the three kinds, and the reads
 * and writes the reconcilers make.
 */
class InstallManifestsTest {

    static final Path INSTALL = Manifests.repoRoot().resolve("manifests/install");
    static final Map<String, String> GROUP_OF_DERIVED_KIND = Map.of(
            "ConfigMap", "", "ServiceAccount", "", "Service", "", "Deployment", "apps",
            "HorizontalPodAutoscaler", "autoscaling", "PodDisruptionBudget", "policy");
    static final List<String> OWNED_VERBS = List.of("get", "list", "watch", "create", "update", "delete");

    @Test
    void rbacCoversEveryOperationOfTheOperator() throws IOException {
        List<HasMetadata> rbac = readAll(INSTALL.resolve("rbac.yaml"));
        List<PolicyRule> cluster = rbac.stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast)
                .flatMap(r -> r.getRules().stream()).toList();
        List<PolicyRule> leaderElection = rbac.stream().filter(Role.class::isInstance).map(Role.class::cast)
                .flatMap(r -> r.getRules().stream()).toList();

        for (HasMetadata derived : readAll(Manifests.repoRoot().resolve("operator/src/test/resources/golden/out-samples.yaml"))) {
            String group = GROUP_OF_DERIVED_KIND.get(derived.getKind());
            assertThat(group).as("API group of derived kind " + derived.getKind()).isNotNull();
            String resource = derived.getKind().toLowerCase() + "s";
            OWNED_VERBS.forEach(verb -> assertThat(allows(cluster, group, resource, verb)).as(verb + " " + resource).isTrue());
        }
        for (String kind : List.of("providers", "modelgroups", "routingpolicies")) {
            List.of("get", "list", "watch").forEach(verb -> assertThat(allows(cluster, "switchboard.dev", kind, verb)).isTrue());
            assertThat(allows(cluster, "switchboard.dev", kind + "/status", "patch")).as(kind + "/status").isTrue();
            assertThat(allows(cluster, "switchboard.dev", kind, "update")).as("never writes a spec").isFalse();
        }
        for (String resource : List.of("secrets", "pods")) {
            List.of("get", "list", "watch").forEach(verb -> assertThat(allows(cluster, "", resource, verb)).isTrue());
            assertThat(allows(cluster, "", resource, "update")).as("never writes " + resource).isFalse();
        }
        assertThat(allows(cluster, "", "events", "create")).isTrue();
        assertThat(allows(leaderElection, "coordination.k8s.io", "leases", "update")).isTrue();
    }

    static boolean allows(List<PolicyRule> rules, String group, String resource, String verb) {
        return rules.stream().anyMatch(r -> r.getApiGroups().contains(group) && r.getResources().contains(resource)
                && r.getVerbs().contains(verb));
    }

    static List<HasMetadata> readAll(Path file) throws IOException {
        List<HasMetadata> resources = new ArrayList<>();
        for (String document : Files.readString(file).split("(?m)^---\\s*$")) {
            if (document.lines().anyMatch(line -> line.startsWith("kind:"))) {
                resources.add(Manifests.SERIALIZATION.unmarshal(document));
            }
        }
        return resources;
    }
}
