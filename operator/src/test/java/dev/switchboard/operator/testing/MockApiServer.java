package dev.switchboard.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

/**
 * Fabric8's mock API server in CRUD mode on 127.0.0.1 (plain HTTP), started by a test itself when the operator
 * under test is not the test's own Quarkus application (an operator process), or when the test must hold back
 * watch events ({@link HeldWatches}). Recorded requests can be taken as with Quarkus' test server.
 */
public final class MockApiServer implements AutoCloseable {

    private final KubernetesMockServer server;
    private final HeldWatches heldWatches;

    private MockApiServer(KubernetesMockServer server, HeldWatches heldWatches) {
        this.server = server;
        this.heldWatches = heldWatches;
    }

    public static MockApiServer start() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        HeldWatches held = new HeldWatches();
        var server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), responses,
                new HoldingDispatcher(responses, held), false);
        try {
            server.init(InetAddress.getByName("127.0.0.1"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new MockApiServer(server, held);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getPort();
    }

    public KubernetesMockServer server() {
        return server;
    }

    /** A client of its own (not the operator's), for the test's setup and checks. */
    public KubernetesClient client() {
        return server.createClient();
    }

    public HeldWatches heldWatches() {
        return heldWatches;
    }

    /**
     * Answers JOSDK's access check at the start of leader election (a SelfSubjectRulesReview, which CRUD mode would
     * store and return without a status) with the Lease permissions of manifests/install.
     */
    public void grantLeaseAccess() {
        var review = new SelfSubjectRulesReviewBuilder()
                .withNewStatus().withIncomplete(false)
                .withResourceRules(new ResourceRuleBuilder().withApiGroups("coordination.k8s.io").withResources("leases")
                        .withVerbs("get", "list", "watch", "create", "update", "patch").build())
                .endStatus().build();
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews").andReturn(201, review).always();
    }

    public RecordedRequest takeRequest(long timeout, java.util.concurrent.TimeUnit unit) throws InterruptedException {
        return server.takeRequest(timeout, unit);
    }

    @Override
    public void close() {
        server.destroy();
    }

    /** CRUD with expectations first (Fabric8's mixed mode), every watch passed through {@link HeldWatches}. */
    static final class HoldingDispatcher extends KubernetesMixedDispatcher {

        private final HeldWatches held;

        HoldingDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses, HeldWatches held) {
            super(responses, List.of());
            this.held = held;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            MockResponse response = super.dispatch(request);
            if (response.getWebSocketListener() != null) {
                response.withWebSocketUpgrade(held.wrap(request.getPath(), response.getWebSocketListener()));
            }
            return response;
        }
    }
}
