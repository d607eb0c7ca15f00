package dev.switchboard.operator.routingpolicy;

import static dev.switchboard.operator.testing.Cluster.condition;
import static dev.switchboard.operator.testing.Cluster.conditionStatus;
import static org.assertj.core.api.Assertions.assertThat;


import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.Condition;
import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.operator.testing.Cluster;
import dev.switchboard.operator.testing.Crds;
import dev.switchboard.operator.testing.GatewayStub;
import dev.switchboard.operator.testing.Manifests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Programmed follows what the ready gateway pods report, not what was written: a pod in the mock API server
 * with podIP 127.0.0.1 is answered by {@link GatewayStub}, whose reported hash the test controls.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = GatewayStub.class, restrictToAnnotatedClass = true)
class ProgrammedConditionTest {

    static final String NS = "programmed";

    @Inject
    KubernetesClient client;

    @Test
    void programmedOnlyWhenReadyPodsServeTheCurrentHash() {
        var cluster = new Cluster(client);
        Crds.install(client);
        cluster.createNamespace(NS);
        cluster.apply(Manifests.read(GatewayResourcesGoldenTest.GOLDEN.resolve("in-defaults.yaml"), NS));
        RoutingPolicy policy = cluster.awaitValue(() -> cluster.get(RoutingPolicy.class, NS, "minimal"),
                p -> p.getStatus() != null && Integer.valueOf(1).equals(p.getStatus().models()));
        assertThat(condition(policy.getStatus().conditions(), "Programmed").reason()).isEqualTo("NoReadyReplicas");
        String firstHash = policy.getStatus().configHash();

        cluster.readyGatewayPod(NS, "minimal", "minimal-gateway-1");
        GatewayStub.serveHash("an-older-table");
        policy = cluster.awaitValue(() -> cluster.get(RoutingPolicy.class, NS, "minimal"),
                p -> "Pending".equals(condition(p.getStatus().conditions(), "Programmed").reason()));
        assertThat(condition(policy.getStatus().conditions(), "Programmed").message()).startsWith("0 of 1 ready replicas");

        GatewayStub.serveHash(firstHash);
        policy = cluster.awaitValue(() -> cluster.get(RoutingPolicy.class, NS, "minimal"),
                p -> Condition.TRUE.equals(conditionStatus(p.getStatus().conditions(), "Programmed")));
        assertThat(policy.getStatus().programmedReplicas()).isEqualTo(1);
        assertThat(conditionStatus(policy.getStatus().conditions(), "Ready")).isEqualTo(Condition.TRUE);
        // The Event follows the status write.
        cluster.awaitAsserted(() -> assertThat(client.v1().events().inNamespace(NS).list().getItems())
                .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("Programmed")));

        // A routing change: the new table is written, but Programmed waits for the pod to report it.
        cluster.mergePatch(ModelGroup.class, NS, "sim", "{\"spec\":{\"aliases\":[\"sim-latest\"]}}");
        policy = cluster.awaitValue(() -> cluster.get(RoutingPolicy.class, NS, "minimal"),
                p -> !firstHash.equals(p.getStatus().configHash()));
        String secondHash = policy.getStatus().configHash();
        assertThat(conditionStatus(policy.getStatus().conditions(), "Programmed")).isEqualTo(Condition.FALSE);
        assertThat(cluster.get(ConfigMap.class, NS, "minimal-routing").getMetadata().getAnnotations())
                .containsEntry("switchboard.dev/config-hash", secondHash);

        GatewayStub.serveHash(secondHash);
        cluster.awaitValue(() -> cluster.get(RoutingPolicy.class, NS, "minimal"),
                p -> Condition.TRUE.equals(conditionStatus(p.getStatus().conditions(), "Programmed")));
    }
}
