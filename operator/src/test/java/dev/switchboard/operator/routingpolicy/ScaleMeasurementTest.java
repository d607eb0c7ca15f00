package dev.switchboard.operator.routingpolicy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.operator.testing.Cluster;
import dev.switchboard.operator.testing.Crds;
import dev.switchboard.operator.testing.GatewayStub;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * A measurement, not a timed assertion: one RoutingPolicy selecting 500 ModelGroups over 50 Providers.
 * Prints the time from a ModelGroup change to the rewritten ConfigMap (and the initial build). Figures
 * include the mock API server and watch latency; they are indicative on a 2-core machine.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = GatewayStub.class, restrictToAnnotatedClass = true)
class ScaleMeasurementTest {

    static final String NS = "scale";
    static final int PROVIDERS = 50;
    static final int GROUPS = 500;
    static final int CHANGES = 5;

    @Inject
    KubernetesClient client;

    @Test
    void measureChangeToConfigMapWithFiveHundredModelGroups() {
        var cluster = new Cluster(client);
        Crds.install(client);
        cluster.createNamespace(NS);
        for (int p = 0; p < PROVIDERS; p++) {
            client.resource(Cluster.yaml(Provider.class, """
                    apiVersion: switchboard.dev/v1alpha1
                    kind: Provider
                    metadata: {name: provider-%02d}
                    spec: {type: OpenAICompatible, endpoint: "http://llm-%02d.example.svc/v1"}
                    """.formatted(p, p))).inNamespace(NS).create();
        }
        for (int g = 0; g < GROUPS; g++) {
            client.resource(group(g, 1)).inNamespace(NS).create();
        }
        long start = System.nanoTime();
        client.resource(Cluster.yaml(RoutingPolicy.class, """
                apiVersion: switchboard.dev/v1alpha1
                kind: RoutingPolicy
                metadata: {name: big}
                spec: {access: {mode: Open}}
                """)).inNamespace(NS).create();
        ConfigMap initial = cluster.awaitValue(() -> cluster.get(ConfigMap.class, NS, "big-routing"),
                c -> c != null && c.getData().get("routing.json").contains("\"model-0499\""));
        Duration initialBuild = Duration.ofNanos(System.nanoTime() - start);

        List<Duration> changes = new ArrayList<>();
        String hash = initial.getMetadata().getAnnotations().get("switchboard.dev/config-hash");
        for (int i = 0; i < CHANGES; i++) {
            String before = hash;
            long changed = System.nanoTime();
            client.resource(group(i * 97, i + 2)).inNamespace(NS).update();
            ConfigMap after = cluster.awaitValue(() -> cluster.get(ConfigMap.class, NS, "big-routing"),
                    c -> !before.equals(c.getMetadata().getAnnotations().get("switchboard.dev/config-hash")));
            changes.add(Duration.ofNanos(System.nanoTime() - changed));
            hash = after.getMetadata().getAnnotations().get("switchboard.dev/config-hash");
        }
        List<Long> millis = changes.stream().map(Duration::toMillis).sorted().toList();
        System.out.printf("SCALE %d ModelGroups over %d Providers: initial ConfigMap %d ms (%d KiB); change -> ConfigMap written: "
                + "median %d ms, max %d ms over %d changes %s%n", GROUPS, PROVIDERS, initialBuild.toMillis(),
                initial.getData().get("routing.json").length() / 1024, millis.get(millis.size() / 2), millis.get(millis.size() - 1),
                CHANGES, millis);
        assertThat(changes).hasSize(CHANGES);
        assertThat(cluster.get(RoutingPolicy.class, NS, "big").getStatus().models()).isEqualTo(GROUPS);
    }

    /** Group g targets two neighbouring providers; the weight is what the measurement changes. */
    static ModelGroup group(int g, int weight) {
        return Cluster.yaml(ModelGroup.class, """
                apiVersion: switchboard.dev/v1alpha1
                kind: ModelGroup
                metadata: {name: model-%04d}
                spec:
                  model: model-%04d
                  targets:
                  - {provider: provider-%02d, model: upstream-%d, weight: %d}
                  - {provider: provider-%02d, model: upstream-%d, priority: 1}
                """.formatted(g, g, g % PROVIDERS, g % 10, weight, (g + 1) % PROVIDERS, g % 10));
    }
}
