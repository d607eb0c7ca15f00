package dev.switchboard.operator.routingpolicy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.operator.testing.Cluster;
import dev.switchboard.operator.testing.Crds;
import dev.switchboard.operator.testing.GatewayStub;
import dev.switchboard.operator.testing.KubeletProjection;
import dev.switchboard.operator.testing.Manifests;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.RoutingTableCodec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The operator's half of the hot-reload contract: the ConfigMap, projected kubelet-style into
 * /etc/switchboard/routing, gives a routing.json that parses, validates, and whose SHA-256 over the file's
 * bytes is the configHash the operator expects gateways to report. (The gateway's half, reloading the
 * file and serving from it, is tested with the gateway.)
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = GatewayStub.class, restrictToAnnotatedClass = true)
class RoutingConfigMapProjectionTest {

    static final String NS = "projection";

    @Inject
    KubernetesClient client;

    /** Not JUnit's @TempDir: field injection does not reach Quarkus test instances. */
    Path mount;

    @BeforeEach
    void createMount() throws IOException {
        mount = Files.createTempDirectory("switchboard-routing");
    }

    @AfterEach
    void removeMount() throws IOException {
        try (var paths = Files.walk(mount)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Test
    void projectedTableMatchesTheHashTheOperatorWaitsFor() throws Exception {
        var cluster = new Cluster(client);
        Crds.install(client);
        cluster.createNamespace(NS);
        cluster.apply(Manifests.read(GatewayResourcesGoldenTest.GOLDEN.resolve("in-defaults.yaml"), NS));
        var kubelet = new KubeletProjection(mount);

        RoutingPolicy policy = cluster.awaitValue(() -> cluster.get(RoutingPolicy.class, NS, "minimal"),
                p -> p.getStatus() != null && Integer.valueOf(1).equals(p.getStatus().models()));
        kubelet.project(cluster.get(ConfigMap.class, NS, "minimal-routing").getData());
        RoutingTable table = readMounted(policy.getStatus().configHash());
        assertThat(table.model("sim")).isNotNull();

        cluster.mergePatch(ModelGroup.class, NS, "sim", "{\"spec\":{\"aliases\":[\"sim-latest\"]}}");
        String previousHash = policy.getStatus().configHash();
        policy = cluster.awaitValue(() -> cluster.get(RoutingPolicy.class, NS, "minimal"),
                p -> !previousHash.equals(p.getStatus().configHash()));
        kubelet.project(cluster.get(ConfigMap.class, NS, "minimal-routing").getData());
        table = readMounted(policy.getStatus().configHash());
        assertThat(table.model("sim-latest")).isNotNull();
        try (var entries = Files.list(mount)) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .as("one data directory, swapped atomically").containsExactlyInAnyOrder("..data", "routing.json", "..2026_11_22_00_00_00.1");
        }
    }

    private RoutingTable readMounted(String expectedHash) throws Exception {
        byte[] bytes = Files.readAllBytes(mount.resolve("routing.json"));
        assertThat(RoutingTableCodec.hash(bytes)).isEqualTo(expectedHash);
        RoutingTable table = RoutingTableCodec.fromJson(bytes);
        assertThat(table.validate()).isEmpty();
        return table;
    }
}
