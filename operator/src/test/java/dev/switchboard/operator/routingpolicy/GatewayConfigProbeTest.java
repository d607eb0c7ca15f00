package dev.switchboard.operator.routingpolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.operator.testing.Cluster;
import dev.switchboard.operator.testing.OperatorConfigs;
import dev.switchboard.operator.testing.UpstreamServer;
import io.quarkus.test.kubernetes.client.KubernetesServer;

/**
 * The Programmed probe asks gateway pods, which run an image a policy may choose, for their config hash. Against a
 * real loopback server standing in for such a pod (listed by the mock API server as ready at 127.0.0.1), an answer that drips, swells or redirects counts as "not
 * programmed" within the status timeout, and the probe closes the connection instead of waiting for the end.
 */
class GatewayConfigProbeTest {

    static final String HASH = "a".repeat(64);
    static final String ANSWER = "{\"hash\":\"" + HASH + "\"}";

    final RoutingPolicy policy = Cluster.yaml(RoutingPolicy.class, """
            apiVersion: switchboard.dev/v1alpha1
            kind: RoutingPolicy
            metadata: {name: edge, namespace: team-a}
            spec: {access: {mode: Open}}
            """);

    KubernetesServer api;

    @BeforeEach
    void startApi() {
        api = new KubernetesServer(false, true, InetAddress.getLoopbackAddress(), 0, List.of());
        api.before();
    }

    @AfterEach
    void stopApi() {
        api.after();
    }

    /** A probe whose one ready pod (on the mock API server) answers at 127.0.0.1 on the given server's port. */
    GatewayConfigProbe probeOf(UpstreamServer pod) {
        var cluster = new Cluster(api.getClient());
        cluster.readyGatewayPod("team-a", "edge", "edge-gateway-1");
        return new GatewayConfigProbe(api.getClient(), OperatorConfigs.withStatus(pod.port(), Duration.ofSeconds(1)));
    }

    @Test
    void aPodThatAnswersIsProgrammed() throws Exception {
        try (var pod = new UpstreamServer(UpstreamServer.json(200, ANSWER))) {
            assertThat(probeOf(pod).probe(policy, HASH)).isEqualTo(new GatewayConfigProbe.Result(1, 1));
        }
    }

    /** The right hash, one byte per 100 ms behind 200 spaces: read to the end, it would count after 20 s. */
    @Test
    void aDrippingAnswerIsNotProgrammedAndIsCutOff() throws Exception {
        try (var pod = new UpstreamServer(UpstreamServer.drip(" ".repeat(200) + ANSWER, 100))) {
            assertThat(probeOf(pod).probe(policy, HASH)).isEqualTo(new GatewayConfigProbe.Result(1, 0));
            await().atMost(Cluster.PATIENCE).untilAsserted(() -> assertThat(pod.clientHungUp()).isTrue());
        }
    }

    /** The right hash at the end of 8 MiB of padding. */
    @Test
    void aHugeAnswerIsNotProgrammed() throws Exception {
        String padded = "{\"padding\":\"" + "x".repeat(8 * 1024 * 1024) + "\",\"hash\":\"" + HASH + "\"}";
        try (var pod = new UpstreamServer(UpstreamServer.json(200, padded))) {
            assertThat(probeOf(pod).probe(policy, HASH)).isEqualTo(new GatewayConfigProbe.Result(1, 0));
        }
    }

    @Test
    void aRedirectIsNotFollowed() throws Exception {
        try (var elsewhere = new UpstreamServer(UpstreamServer.json(200, ANSWER));
                var pod = new UpstreamServer(UpstreamServer.redirect(elsewhere.url() + GatewayConfigProbe.CONFIG_PATH))) {
            assertThat(probeOf(pod).probe(policy, HASH)).isEqualTo(new GatewayConfigProbe.Result(1, 0));
            assertThat(elsewhere.requests()).isEmpty();
        }
    }
}
