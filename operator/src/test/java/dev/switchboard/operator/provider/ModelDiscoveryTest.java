package dev.switchboard.operator.provider;

import static dev.switchboard.operator.testing.Cluster.condition;
import static dev.switchboard.operator.testing.Cluster.conditionStatus;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.Condition;
import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.operator.testing.Cluster;
import dev.switchboard.operator.testing.Crds;
import dev.switchboard.operator.testing.GatewayStub;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** Discovery against a local OpenAI-style upstream ({@link GatewayStub}) and against a closed port, feeding aggregate and pattern groups. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = GatewayStub.class, restrictToAnnotatedClass = true)
class ModelDiscoveryTest {

    static final String NS = "discovery";

    @Inject
    KubernetesClient client;

    @Test
    void listedModelsReachStatusAndAggregateGroups() {
        var cluster = new Cluster(client);
        Crds.install(client);
        cluster.createNamespace(NS);
        client.resource(provider("local-upstream", "http://127.0.0.1:" + GatewayStub.port() + "/v1")).inNamespace(NS).create();
        client.resource(provider("closed-port", "http://127.0.0.1:1/v1")).inNamespace(NS).create();
        client.resource(Cluster.yaml(ModelGroup.class, """
                apiVersion: switchboard.dev/v1alpha1
                kind: ModelGroup
                metadata: {name: large}
                spec:
                  model: stub-large
                  aggregate:
                    providerSelector: {matchLabels: {pool: discovered}}
                """)).inNamespace(NS).create();
        client.resource(Cluster.yaml(ModelGroup.class, """
                apiVersion: switchboard.dev/v1alpha1
                kind: ModelGroup
                metadata: {name: every-stub}
                spec:
                  modelPattern: 'stub-*'
                  aggregate:
                    providerSelector: {matchLabels: {pool: discovered}}
                """)).inNamespace(NS).create();

        Provider listed = cluster.awaitValue(() -> cluster.get(Provider.class, NS, "local-upstream"),
                p -> p.getStatus() != null && p.getStatus().models() != null);
        assertThat(listed.getStatus().models()).containsExactly("stub-large", "stub-small");
        assertThat(listed.getStatus().modelCount()).isEqualTo(2);
        assertThat(listed.getStatus().lastDiscoveryTime()).isNotNull();
        assertThat(conditionStatus(listed.getStatus().conditions(), "Reachable")).isEqualTo(Condition.TRUE);
        assertThat(conditionStatus(listed.getStatus().conditions(), "Ready")).isEqualTo(Condition.TRUE);

        Provider closed = cluster.awaitValue(() -> cluster.get(Provider.class, NS, "closed-port"), p -> p.getStatus() != null);
        Condition reachable = condition(closed.getStatus().conditions(), "Reachable");
        assertThat(reachable.status()).isEqualTo(Condition.FALSE);
        assertThat(reachable.reason()).isEqualTo("Unreachable");
        assertThat(conditionStatus(closed.getStatus().conditions(), "Ready")).isEqualTo(Condition.FALSE);

        // Only the provider known (by discovery) to serve the model joins the aggregate.
        ModelGroup group = cluster.awaitValue(() -> cluster.get(ModelGroup.class, NS, "large"),
                g -> g.getStatus() != null && Integer.valueOf(1).equals(g.getStatus().resolvedTargets()));
        assertThat(group.getStatus().targets()).containsExactly("local-upstream/stub-large");
        // A pattern group's aggregate takes the provider discovery shows to serve names of the pattern.
        ModelGroup pattern = cluster.awaitValue(() -> cluster.get(ModelGroup.class, NS, "every-stub"),
                g -> g.getStatus() != null && Integer.valueOf(1).equals(g.getStatus().resolvedTargets()));
        assertThat(pattern.getStatus().targets()).containsExactly("local-upstream/stub-{1}");
        assertThat(conditionStatus(pattern.getStatus().conditions(), "Ready")).isEqualTo(Condition.TRUE);
    }

    static Provider provider(String name, String endpoint) {
        return Cluster.yaml(Provider.class, """
                apiVersion: switchboard.dev/v1alpha1
                kind: Provider
                metadata:
                  name: %s
                  labels: {pool: discovered}
                spec:
                  type: OpenAICompatible
                  endpoint: %s
                  discovery: {enabled: true, interval: 10m}
                """.formatted(name, endpoint));
    }
}
