package dev.switchboard.operator;

import static dev.switchboard.operator.testing.Cluster.condition;
import static dev.switchboard.operator.testing.Cluster.conditionStatus;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.Condition;
import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.operator.testing.Cluster;
import dev.switchboard.operator.testing.Crds;
import dev.switchboard.operator.testing.GatewayStub;
import dev.switchboard.operator.testing.Manifests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Broken input becomes conditions with reasons, Events, and a still-served table for whatever is valid;
 * never a crash loop. The resources bypass API-server validation here (the mock server does not run CEL),
 * which is exactly the case the operator must survive.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = GatewayStub.class, restrictToAnnotatedClass = true)
class InvalidResourcesTest {

    static final String NS = "invalid";

    @Inject
    KubernetesClient client;

    @Test
    void invalidResourcesGetConditionsWithReasons() {
        var cluster = new Cluster(client);
        Crds.install(client);
        cluster.createNamespace(NS);
        cluster.apply(Manifests.read(Manifests.repoRoot().resolve("operator/src/test/resources/invalid/resources.yaml"), NS));

        Provider keyless = cluster.awaitValue(() -> cluster.get(Provider.class, NS, "keyless"), p -> p.getStatus() != null);
        Condition credentials = condition(keyless.getStatus().conditions(), "CredentialsResolved");
        assertThat(credentials.status()).isEqualTo(Condition.FALSE);
        assertThat(credentials.reason()).isEqualTo("SecretNotFound");
        assertThat(credentials.message()).contains("Secret missing-keys does not exist");
        assertThat(conditionStatus(keyless.getStatus().conditions(), "Ready")).isEqualTo(Condition.FALSE);

        ModelGroup orphan = cluster.awaitValue(() -> cluster.get(ModelGroup.class, NS, "orphan"), g -> g.getStatus() != null);
        Condition resolved = condition(orphan.getStatus().conditions(), "ResolvedRefs");
        assertThat(resolved.reason()).isIn("UnknownProvider", "NoUsableTargets");
        assertThat(resolved.message()).contains("Provider nowhere does not exist");
        assertThat(orphan.getStatus().resolvedTargets()).isZero();
        assertThat(conditionStatus(orphan.getStatus().conditions(), "Ready")).isEqualTo(Condition.FALSE);

        RoutingPolicy policy = cluster.awaitValue(() -> cluster.get(RoutingPolicy.class, NS, "strict"),
                p -> p.getStatus() != null && Condition.FALSE.equals(conditionStatus(p.getStatus().conditions(), "Accepted")));
        Condition accepted = condition(policy.getStatus().conditions(), "Accepted");
        assertThat(accepted.reason()).isEqualTo("InvalidValue");
        assertThat(accepted.message()).contains("spec.defaults.retry.backoff.base");
        assertThat(conditionStatus(policy.getStatus().conditions(), "Ready")).isEqualTo(Condition.FALSE);
        Condition refs = condition(policy.getStatus().conditions(), "ResolvedRefs");
        assertThat(refs.status()).isEqualTo(Condition.FALSE);
        assertThat(refs.message()).contains("ModelGroup invalid/orphan", "fallbacks form a cycle");

        // The valid part is still served.
        String table = cluster.awaitResource(ConfigMap.class, NS, "strict-routing").getData().get("routing.json");
        assertThat(table).contains("\"healthy\"").doesNotContain("\"orphan\"");
        cluster.awaitAsserted(() -> assertThat(client.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> "Warning".equals(e.getType())).map(e -> e.getReason()).toList())
                .contains("SecretNotFound", "InvalidValue"));
    }
}
