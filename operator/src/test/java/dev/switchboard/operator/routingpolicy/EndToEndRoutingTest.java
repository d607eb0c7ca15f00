package dev.switchboard.operator.routingpolicy;

import static dev.switchboard.operator.testing.Cluster.conditionStatus;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

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
import io.fabric8.kubernetes.client.KubernetesClient;
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

        cluster.readyGatewayPod(NS, POLICY, POLICY + "-gateway-0");
        RoutingPolicy policy = awaitProgrammed(cluster, kubelet, p -> Integer.valueOf(1).equals(p.getStatus().models()));
        assertThat(chat("sim").statusCode()).isEqualTo(200);
        assertThat(chat("sim-latest").statusCode()).as("alias not yet configured").isEqualTo(404);

        cluster.mergePatch(ModelGroup.class, NS, "sim", "{\"spec\":{\"aliases\":[\"sim-latest\"]}}");
        String firstHash = policy.getStatus().configHash();
        awaitProgrammed(cluster, kubelet, p -> !firstHash.equals(p.getStatus().configHash()));

        HttpResponse<String> routed = chat("sim-latest");
        assertThat(routed.statusCode()).isEqualTo(200);
        assertThat(routed.body()).contains("chat.completion");
        assertThat(routed.headers().firstValue("x-switchboard-provider")).hasValue("simulated");
    }

    /**
     * Plays kubelet while waiting: projects the ConfigMap whenever it changed (the operator may write more than
     * once while its caches fill), until the policy matches and Programmed=True for its current hash, which
     * means the operator read that hash from the gateway process itself.
     */
    private RoutingPolicy awaitProgrammed(Cluster cluster, KubeletProjection kubelet, Predicate<RoutingPolicy> wanted) {
        Map<String, String> projected = new HashMap<>();
        return cluster.awaitValue(() -> {
            ConfigMap routing = cluster.get(ConfigMap.class, NS, POLICY + "-routing");
            if (routing != null && !routing.getData().equals(projected)) {
                try {
                    kubelet.project(routing.getData());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                projected.clear();
                projected.putAll(routing.getData());
            }
            return cluster.get(RoutingPolicy.class, NS, POLICY);
        }, p -> p.getStatus() != null && p.getStatus().configHash() != null && wanted.test(p)
                && Condition.TRUE.equals(conditionStatus(p.getStatus().conditions(), "Programmed")));
    }

    private HttpResponse<String> chat(String model) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + GatewayProcess.port() + "/v1/chat/completions"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
