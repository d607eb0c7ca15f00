package dev.switchboard.operator.common;

import static dev.switchboard.operator.testing.Cluster.conditionStatus;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.Condition;
import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.operator.testing.Cluster;
import dev.switchboard.operator.testing.Crds;
import dev.switchboard.operator.testing.Manifests;
import dev.switchboard.operator.testing.MockApiServer;
import dev.switchboard.operator.testing.MockApiServerResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * An identical status writes nothing, whatever the order in which the operator sees events: here the watch events
 * of RoutingPolicies are held back, so every reconcile after the first status write starts before the informer has
 * seen that write (the 40-70 ms race of a real cluster, made certain). The status is written once, and no write is
 * preceded by a read of the object.
 */
@QuarkusTest
@QuarkusTestResource(value = MockApiServerResource.class, restrictToAnnotatedClass = true)
class StatusWritesTest {

    static final String NS = "status-writes";
    static final String POLICY = "/apis/switchboard.dev/v1alpha1/namespaces/" + NS + "/routingpolicies/default";

    @Inject
    KubernetesClient client;

    MockApiServer server;

    @Test
    void aStatusIsWrittenOnceWhenTheNextReconcileStartsBeforeItsWatchEvent() throws InterruptedException {
        var cluster = new Cluster(client);
        Crds.install(client);
        cluster.createNamespace(NS);
        cluster.apply(Manifests.samplesWithoutDiscovery(NS));
        cluster.awaitValue(() -> cluster.get(RoutingPolicy.class, NS, "default"), p -> p.getStatus() != null
                && Integer.valueOf(2).equals(p.getStatus().models())
                && Condition.TRUE.equals(conditionStatus(p.getStatus().conditions(), "ResolvedRefs")));
        String settledHash = cluster.get(RoutingPolicy.class, NS, "default").getStatus().configHash();
        drain();

        server.heldWatches().hold("routingpolicies");
        try {
            List<RecordedRequest> window = new ArrayList<>();
            // A new alias changes the routing table, so the policy's status (configHash) changes: one write.
            cluster.mergePatch(ModelGroup.class, NS, "chat-smart", "{\"spec\":{\"aliases\":[\"gpt-4o\",\"smart-a\"]}}");
            RecordedRequest written = awaitRequest(window, r -> "PATCH".equals(r.getMethod()) && r.getPath().equals(POLICY + "/status"));
            // getBytes, not readUtf8: the request may still be on its way to the handler, and reading would empty it.
            assertThat(new String(written.getBody().getBytes(), StandardCharsets.UTF_8)).doesNotContain(settledHash);
            // A label the selector does not look at reconciles the policy again with the same outcome; the recheck of a
            // policy that is not programmed (no gateway pods here) does too. Two more reconciles have started, so the first
            // of them has finished (reconciles of one policy never overlap); each lists the gateway pods once.
            cluster.mergePatch(ModelGroup.class, NS, "chat-smart", "{\"metadata\":{\"labels\":{\"owner\":\"status-writes\"}}}");
            awaitRequest(window, StatusWritesTest::listsGatewayPods);
            awaitRequest(window, StatusWritesTest::listsGatewayPods);

            assertThat(window.stream().filter(r -> r.getPath().equals(POLICY + "/status")).map(RecordedRequest::getRequestLine))
                    .as("status writes of the policy").hasSize(1);
            assertThat(window.stream().filter(r -> "GET".equals(r.getMethod()) && r.getPath().equals(POLICY)).map(RecordedRequest::getRequestLine))
                    .as("reads of the policy before writing its status").isEmpty();
        } finally {
            server.heldWatches().release("routingpolicies");
        }
    }

    private static boolean listsGatewayPods(RecordedRequest request) {
        return "GET".equals(request.getMethod()) && request.getPath().startsWith("/api/v1/namespaces/" + NS + "/pods?");
    }

    private void drain() throws InterruptedException {
        while (server.takeRequest(10, TimeUnit.MILLISECONDS) != null) {
            // discard what happened before the window
        }
    }

    /** Records requests into the window until one matches; fails after {@link Cluster#PATIENCE}. */
    private RecordedRequest awaitRequest(List<RecordedRequest> window, Predicate<RecordedRequest> wanted) throws InterruptedException {
        long deadline = System.nanoTime() + Cluster.PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
            if (request != null) {
                window.add(request);
                if (wanted.test(request)) {
                    return request;
                }
            }
        }
        throw new AssertionError("no such request within " + Cluster.PATIENCE + "; seen: "
                + window.stream().map(RecordedRequest::getRequestLine).toList());
    }
}
