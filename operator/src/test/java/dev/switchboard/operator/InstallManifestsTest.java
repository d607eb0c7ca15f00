package dev.switchboard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import dev.switchboard.operator.testing.Kustomize;
import dev.switchboard.operator.testing.Manifests;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;

/**
 * `kubectl kustomize` of the install and of the single-namespace overlay gives exactly the expected objects, wired to
 * each other. That the RBAC rules are what the operator needs is LeastPrivilegeTest's part.
 */
class InstallManifestsTest {

    static final Path INSTALL = Manifests.repoRoot().resolve("manifests/install");

    static final Path SINGLE_NAMESPACE = Manifests.repoRoot().resolve("manifests/overlays/single-namespace");
    static final List<String> CRDS = List.of("CustomResourceDefinition//modelgroups.switchboard.dev",
            "CustomResourceDefinition//providers.switchboard.dev", "CustomResourceDefinition//routingpolicies.switchboard.dev");

    @Test
    void installRendersEveryObjectWiredTogether() {
        List<HasMetadata> rendered = render(INSTALL);
        Set<String> expected = new TreeSet<>(CRDS);
        expected.addAll(List.of("Namespace//switchboard-system", "ServiceAccount/switchboard-system/switchboard-operator",
                "ClusterRole//switchboard-operator", "ClusterRoleBinding//switchboard-operator",
                "Role/switchboard-system/switchboard-operator-leader-election",
                "RoleBinding/switchboard-system/switchboard-operator-leader-election",
                "Deployment/switchboard-system/switchboard-operator", "PodDisruptionBudget/switchboard-system/switchboard-operator"));
        assertThat(ids(rendered)).isEqualTo(expected);
        assertWired(rendered, "switchboard-system");
    }

    @Test
    void singleNamespaceOverlayGrantsAndWatchesOneNamespace() {
        List<HasMetadata> rendered = render(SINGLE_NAMESPACE);
        Set<String> expected = new TreeSet<>(CRDS);
        // No Namespace (it belongs to its team) and no ClusterRoleBinding: the ClusterRole is bound per namespace.
        expected.addAll(List.of("ServiceAccount/team-a/switchboard-operator", "ClusterRole//switchboard-operator",
                "RoleBinding/team-a/switchboard-operator", "Role/team-a/switchboard-operator-leader-election",
                "RoleBinding/team-a/switchboard-operator-leader-election", "Deployment/team-a/switchboard-operator",
                "PodDisruptionBudget/team-a/switchboard-operator"));
        assertThat(ids(rendered)).isEqualTo(expected);
        assertWired(rendered, "team-a");

        RoleBinding binding = rendered.stream().filter(RoleBinding.class::isInstance).map(RoleBinding.class::cast)
                .filter(b -> b.getMetadata().getName().equals("switchboard-operator")).findFirst().orElseThrow();
        assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
        Deployment operator = Manifests.ofType(rendered, Deployment.class).get(0);
        assertThat(operator.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
                .filteredOn(e -> e.getName().equals("QUARKUS_OPERATOR_SDK_NAMESPACES")).extracting(EnvVar::getValue)
                .containsExactly("JOSDK_WATCH_CURRENT");
        // The same rules as the cluster-wide install, only bound differently.
        assertThat(Manifests.ofType(rendered, ClusterRole.class).get(0).getRules())
                .isEqualTo(Manifests.ofType(render(INSTALL), ClusterRole.class).get(0).getRules());
    }

    /**
     * Two replicas, of which evictions take one at a time, each given a grace period for its stop (which releases the
     * Lease): docs/operator.md, "Leader election and shutdown".
     */
    @Test
    void operatorRunsTwoReplicasUnderADisruptionBudgetWithAGracePeriod() {
        List<HasMetadata> rendered = render(INSTALL);
        Deployment operator = Manifests.ofType(rendered, Deployment.class).get(0);
        PodDisruptionBudget budget = Manifests.ofType(rendered, PodDisruptionBudget.class).get(0);
        assertThat(operator.getSpec().getReplicas()).isEqualTo(2);
        assertThat(operator.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isNotNull().isPositive();
        assertThat(operator.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
        assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
    }

    /** Every binding names a rendered role and a rendered ServiceAccount; the Deployment runs as the one in its namespace. */
    static void assertWired(List<HasMetadata> rendered, String namespace) {
        Set<String> ids = ids(rendered);
        List<Subject> subjects = new ArrayList<>();
        for (HasMetadata object : rendered) {
            if (object instanceof RoleBinding binding) {
                String role = binding.getRoleRef().getKind().equals("Role") ? "Role/" + namespace + "/" : "ClusterRole//";
                assertThat(ids).contains(role + binding.getRoleRef().getName());
                subjects.addAll(binding.getSubjects());
            } else if (object instanceof ClusterRoleBinding binding) {
                assertThat(ids).contains("ClusterRole//" + binding.getRoleRef().getName());
                subjects.addAll(binding.getSubjects());
            }
        }
        assertThat(subjects).isNotEmpty().allSatisfy(subject -> {
            assertThat(subject.getKind()).isEqualTo("ServiceAccount");
            assertThat(ids).contains("ServiceAccount/" + subject.getNamespace() + "/" + subject.getName());
        });
        Deployment operator = Manifests.ofType(rendered, Deployment.class).get(0);
        assertThat(ids).contains("ServiceAccount/" + namespace + "/" + operator.getSpec().getTemplate().getSpec().getServiceAccountName());
    }

    static List<HasMetadata> render(Path kustomization) {
        List<HasMetadata> resources = new ArrayList<>();
        for (String document : Kustomize.renderYaml(kustomization).split("(?m)^---\\s*$")) {
            resources.add(Manifests.SERIALIZATION.unmarshal(document));
        }
        return resources;
    }

    /** Kind/namespace/name, with an empty namespace for cluster-scoped objects. */
    static Set<String> ids(List<HasMetadata> resources) {
        Set<String> ids = new TreeSet<>();
        for (HasMetadata resource : resources) {
            String namespace = resource.getMetadata().getNamespace();
            ids.add(resource.getKind() + "/" + (namespace == null ? "" : namespace) + "/" + resource.getMetadata().getName());
        }
        return ids;
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
