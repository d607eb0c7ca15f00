package dev.switchboard.operator.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.switchboard.operator.testing.Cluster;
import dev.switchboard.operator.testing.OperatorConfigs;
import dev.switchboard.operator.testing.UpstreamServer;

/**
 * Model discovery calls a server the Provider's author chose. Against real loopback servers that misbehave, a listing
 * ends within its deadline however slowly the body drips, reads no more than its size limit, follows no redirect,
 * turns a header or URL the HTTP client cannot use into a condition instead of an exception, and reports each case as
 * a short category that names neither the address nor what the server said.
 */
class UntrustedUpstreamTest {

    static final Duration DEADLINE = Duration.ofSeconds(1);
    static final int LIMIT = 64 * 1024;

    final ModelDiscovery discovery = new ModelDiscovery(OperatorConfigs.withDiscovery(DEADLINE, LIMIT));

    static void assertNoNetworkDetail(ModelDiscovery.Failed failed, UpstreamServer server) {
        assertThat(failed.message()).doesNotContain("127.0.0.1", String.valueOf(server.port()), "Exception");
    }

    /** Headers come at once, then one byte every 100 ms: without an overall deadline the call would last 20 s. */
    @Test
    void aSlowDripBodyEndsAtTheDeadlineAndTheConnectionIsDropped() throws Exception {
        try (var server = new UpstreamServer(UpstreamServer.drip("{\"data\":[{\"id\":\"gpt-4o\"}]}" + " ".repeat(200), 100))) {
            var outcome = discovery.list(ModelDiscoveryWireTest.spec("OpenAICompatible", server.url(), ""), "sk-1");

            assertThat(outcome).isInstanceOfSatisfying(ModelDiscovery.Failed.class, failed -> {
                assertThat(failed.reason()).isEqualTo("Timeout");
                assertNoNetworkDetail(failed, server);
            });
            await().atMost(Cluster.PATIENCE).untilAsserted(() -> assertThat(server.clientHungUp())
                    .as("the operator stopped reading and closed the connection").isTrue());
        }
    }

    /** A valid model list of 8 MiB: reading it whole would let any Provider author fill the operator's heap. */
    @Test
    void aHugeBodyIsCutOffAtTheLimit() throws Exception {
        try (var server = new UpstreamServer(UpstreamServer.hugeModelList(8 * 1024 * 1024))) {
            var outcome = discovery.list(ModelDiscoveryWireTest.spec("OpenAICompatible", server.url(), ""), "sk-1");

            assertThat(outcome).isInstanceOfSatisfying(ModelDiscovery.Failed.class, failed -> {
                assertThat(failed.reason()).isEqualTo("ResponseTooLarge");
                assertNoNetworkDetail(failed, server);
            });
        }
    }

    /** A redirect could point the request, key included, at another host: it is reported, not followed. */
    @Test
    void aRedirectIsNotFollowed() throws Exception {
        try (var target = new UpstreamServer(UpstreamServer.json(200, "{\"data\":[{\"id\":\"stolen\"}]}"));
                var server = new UpstreamServer(UpstreamServer.redirect(target.url() + "/models"))) {
            var outcome = discovery.list(ModelDiscoveryWireTest.spec("OpenAICompatible", server.url(), ""), "sk-1");

            assertThat(outcome).isInstanceOfSatisfying(ModelDiscovery.Failed.class, failed -> {
                assertThat(failed.reason()).isEqualTo("Redirected");
                assertNoNetworkDetail(failed, target);
            });
            assertThat(target.requests()).as("the redirect target was never asked").isEmpty();
        }
    }

    /** Refused, unresolvable and closed all read the same: no port scanning through status. */
    @Test
    void anUnreachableUpstreamIsOneShortCategory() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        var outcome = discovery.list(ModelDiscoveryWireTest.spec("OpenAICompatible", "http://127.0.0.1:" + closedPort, ""), null);

        assertThat(outcome).isInstanceOfSatisfying(ModelDiscovery.Failed.class, failed -> {
            assertThat(failed.reason()).isEqualTo("Unreachable");
            assertThat(failed.message()).doesNotContain("127.0.0.1", String.valueOf(closedPort), "Connect", "refused");
        });
    }

    /** Headers and URLs the HTTP client refuses become a condition; their values are not quoted. */
    @Test
    void aBadHeaderOrEndpointIsACondition() {
        var badHeader = discovery.list(ModelDiscoveryWireTest.spec("OpenAICompatible", "http://127.0.0.1:1",
                ", headers: {x-tenant: \"a\\r\\nx-injected: sk-secret\"}"), null);
        assertThat(badHeader).isInstanceOfSatisfying(ModelDiscovery.Failed.class, failed -> {
            assertThat(failed.reason()).isEqualTo("InvalidHeader");
            assertThat(failed.message()).doesNotContain("sk-secret");
        });
        var restricted = discovery.list(ModelDiscoveryWireTest.spec("OpenAICompatible", "http://127.0.0.1:1", ", headers: {Host: evil.example}"), null);
        assertThat(restricted).isInstanceOfSatisfying(ModelDiscovery.Failed.class, failed -> assertThat(failed.reason()).isEqualTo("InvalidHeader"));
        var badEndpoint = discovery.list(ModelDiscoveryWireTest.spec("OpenAICompatible", "http://user:sk-secret@127.0.0.1:1/v1", ""), null);
        assertThat(badEndpoint).isInstanceOfSatisfying(ModelDiscovery.Failed.class, failed -> {
            assertThat(failed.reason()).isEqualTo("InvalidEndpoint");
            assertThat(failed.message()).doesNotContain("sk-secret");
        });
    }
}
