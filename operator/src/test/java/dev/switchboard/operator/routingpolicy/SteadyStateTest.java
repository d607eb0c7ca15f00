package dev.switchboard.operator.routingpolicy;

import static dev.switchboard.operator.testing.Cluster.conditionStatus;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.Condition;
import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.operator.testing.Cluster;
import dev.switchboard.operator.testing.Crds;
import dev.switchboard.operator.testing.GatewayStub;
import dev.switchboard.operator.testing.Manifests;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Idempotence, measured on the wire: once a namespace has settled, reconciles keep happening (a policy
 * that is not programmed is re-checked every few seconds) but send no write to the API server.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = GatewayStub.class, restrictToAnnotatedClass = true)
class SteadyStateTest {

    static final String NS = "steady";

    @Inject
    KubernetesClient client;

    @KubernetesTestServer
    KubernetesServer server;

    @Test
    void repeatedReconcilesInASteadyStateWriteNothing() throws InterruptedException {
        var cluster = new Cluster(client);
        Crds.install(client);
        cluster.createNamespace(NS);
        cluster.apply(Manifests.samplesWithoutDiscovery(NS));
        cluster.awaitValue(() -> cluster.get(RoutingPolicy.class, NS, "default"), p -> p.getStatus() != null
                && Integer.valueOf(2).equals(p.getStatus().models())
                && Condition.TRUE.equals(conditionStatus(p.getStatus().conditions(), "ResolvedRefs")));
        cluster.awaitValue(() -> cluster.get(ModelGroup.class, NS, "chat-local"), g -> g.getStatus() != null);

        // Let one more policy reconcile pass, then record a window containing at least three more.
        drain();
        awaitPolicyReconciles(1, new ArrayList<>());
        List<RecordedRequest> window = new ArrayList<>();
        awaitPolicyReconciles(3, window);

        List<String> writes = window.stream()
                .filter(r -> !"GET".equals(r.getMethod()))
                .filter(r -> r.getPath().contains("/namespaces/" + NS + "/"))
                .map(RecordedRequest::getRequestLine)
                .toList();
        assertThat(writes).isEmpty();
    }

    private void drain() throws InterruptedException {
        while (server.getKubernetesMockServer().takeRequest(10, TimeUnit.MILLISECONDS) != null) {
            // discard what happened before the window
        }
    }

    /** Each RoutingPolicy reconcile lists the gateway pods once: that request marks a reconcile. */
    private void awaitPolicyReconciles(int count, List<RecordedRequest> into) throws InterruptedException {
        int seen = 0;
        long deadline = System.nanoTime() + Cluster.PATIENCE.toNanos();
        while (seen < count && System.nanoTime() < deadline) {
            RecordedRequest request = server.getKubernetesMockServer().takeRequest(1, TimeUnit.SECONDS);
            if (request == null) {
                continue;
            }
            into.add(request);
            if ("GET".equals(request.getMethod()) && request.getPath().startsWith("/api/v1/namespaces/" + NS + "/pods?")) {
                seen++;
            }
        }
        assertThat(seen).as("policy reconciles observed").isEqualTo(count);
    }
}
