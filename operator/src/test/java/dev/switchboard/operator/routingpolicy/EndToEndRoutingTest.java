package dev.switchboard.operator.routingpolicy;

import static dev.switchboard.operator.testing.Cluster.conditionStatus;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.Condition;
import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.operator.testing.Cluster;
import dev.switchboard.operator.testing.Crds;
import dev.switchboard.operator.testing.GatewayProcess;
import dev.switchboard.operator.testing.KubeletProjection;
import dev.switchboard.operator.testing.Manifests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Operator and gateway together, with only the kubelet simulated: the operator on the mock API server writes
 * the routing ConfigMap, the test projects it into a directory the way kubelet does (`..data` symlink swap),
 * a real gateway process reloads it and serves requests routed by it, and the operator sees the gateway
 * report the new hash (Programmed). Then a ModelGroup edit travels the same way without a restart.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = GatewayProcess.class, restrictToAnnotatedClass = true)
class EndToEndRoutingTest {

    static final String NS = "e2e";
    static final String POLICY = "minimal";

    @Inject
    KubernetesClient client;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aModelGroupEditReachesTheRunningGateway() throws Exception {
        var cluster = new Cluster(client);
        Crds.install(client);
        cluster.createNamespace(NS);
        cluster.apply(Manifests.read(GatewayResourcesGoldenTest.GOLDEN.resolve("in-defaults.yaml"), NS));
        var kubelet = new KubeletProjection(GatewayProcess.mount());

        RoutingPolicy policy = cluster.awaitValue(() -> cluster.get(RoutingPolicy.class, NS, POLICY),
                p -> p.getStatus() != null && p.getStatus().configHash() != null);
        kubelet.project(cluster.get(ConfigMap.class, NS, POLICY + "-routing").getData());
        readyGatewayPod();
        awaitProgrammed(cluster, policy.getStatus().configHash());
        assertThat(chat("sim").statusCode()).isEqualTo(200);
        assertThat(chat("sim-latest").statusCode()).as("alias not yet configured").isEqualTo(404);

        cluster.mergePatch(ModelGroup.class, NS, "sim", "{\"spec\":{\"aliases\":[\"sim-latest\"]}}");
        String firstHash = policy.getStatus().configHash();
        policy = cluster.awaitValue(() -> cluster.get(RoutingPolicy.class, NS, POLICY),
                p -> !firstHash.equals(p.getStatus().configHash()));
        kubelet.project(cluster.get(ConfigMap.class, NS, POLICY + "-routing").getData());
        awaitProgrammed(cluster, policy.getStatus().configHash());

        HttpResponse<String> routed = chat("sim-latest");
        assertThat(routed.statusCode()).isEqualTo(200);
        assertThat(routed.body()).contains("chat.completion");
        assertThat(routed.headers().firstValue("x-switchboard-provider")).hasValue("simulated");
    }

    /** Programmed=True with this hash means the operator read it from the gateway process itself. */
    private static void awaitProgrammed(Cluster cluster, String hash) {
        cluster.awaitValue(() -> cluster.get(RoutingPolicy.class, NS, POLICY),
                p -> hash.equals(p.getStatus().configHash())
                        && Condition.TRUE.equals(conditionStatus(p.getStatus().conditions(), "Programmed")));
    }

    private HttpResponse<String> chat(String model) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + GatewayProcess.port() + "/v1/chat/completions"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private void readyGatewayPod() {
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(POLICY + "-gateway-0").withNamespace(NS)
                .withLabels(Map.of("app.kubernetes.io/name", "switchboard-gateway", "app.kubernetes.io/instance", POLICY))
                .endMetadata()
                .withNewSpec().addNewContainer().withName("gateway").withImage("switchboard/gateway:0.1.0").endContainer().endSpec()
                .build();
        client.pods().inNamespace(NS).resource(pod).create();
        var status = List.of(Map.of("op", "add", "path", "/status", "value", Map.of(
                "podIP", "127.0.0.1",
                "conditions", List.of(Map.of("type", "Ready", "status", "True")))));
        client.pods().inNamespace(NS).withName(POLICY + "-gateway-0").subresource("status")
                .patch(PatchContext.of(PatchType.JSON), client.getKubernetesSerialization().asJson(status));
    }
}
