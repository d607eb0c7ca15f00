package dev.switchboard.operator.routingpolicy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.operator.testing.Cluster;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/** Secondary-to-primary mapping: a change re-reconciles exactly the policies whose compilation it can affect. */
class DependencyIndexTest {

    static final String NS = "team-a";

    final ModelGroup alphaGroup = Cluster.yaml(ModelGroup.class, """
            apiVersion: switchboard.dev/v1alpha1
            kind: ModelGroup
            metadata: {name: alpha-chat, namespace: team-a, labels: {team: alpha}}
            spec:
              model: alpha-chat
              targets: [{provider: openai}]
            """);
    final ModelGroup betaGroup = Cluster.yaml(ModelGroup.class, """
            apiVersion: switchboard.dev/v1alpha1
            kind: ModelGroup
            metadata: {name: beta-chat, namespace: team-a, labels: {team: beta}}
            spec:
              model: beta-chat
              aggregate: {providerSelector: {matchLabels: {tier: local}}}
            """);
    final Provider openai = Cluster.yaml(Provider.class, """
            apiVersion: switchboard.dev/v1alpha1
            kind: Provider
            metadata: {name: openai, namespace: team-a}
            spec: {type: OpenAI, credentials: {secretRef: {name: openai-keys}}}
            """);
    final Provider ollama = Cluster.yaml(Provider.class, """
            apiVersion: switchboard.dev/v1alpha1
            kind: Provider
            metadata: {name: ollama, namespace: team-a, labels: {tier: local}}
            spec: {type: Ollama, credentials: {secretRef: {name: ollama-token}}}
            """);

    static RoutingPolicy policy(String name, String team, String clientSecret) {
        return Cluster.yaml(RoutingPolicy.class, """
                apiVersion: switchboard.dev/v1alpha1
                kind: RoutingPolicy
                metadata: {name: %s, namespace: team-a}
                spec:
                  modelGroupSelector: {matchLabels: {team: %s}}
                  access:
                    mode: ApiKeys
                    clients: [{name: app, keyRef: {name: %s, key: app}}]
                """.formatted(name, team, clientSecret));
    }

    @Test
    void eachChangeMapsToExactlyThePoliciesThatDependOnIt() {
        var index = new DependencyIndex();
        RoutingPolicy alpha = policy("alpha", "alpha", "alpha-clients");
        RoutingPolicy beta = policy("beta", "beta", "beta-clients");
        List<Provider> providers = List.of(openai, ollama);
        List<ModelGroup> groups = List.of(alphaGroup, betaGroup);
        index.record(ResourceID.fromResource(alpha), PolicyCompilations.dependenciesOf(alpha, providers, groups));
        index.record(ResourceID.fromResource(beta), PolicyCompilations.dependenciesOf(beta, providers, groups));
        var alphaId = ResourceID.fromResource(alpha);
        var betaId = ResourceID.fromResource(beta);

        assertThat(index.policiesIn(NS, d -> d.usesProvider("openai", Map.of()))).containsExactly(alphaId);
        assertThat(index.policiesIn(NS, d -> d.usesProvider("ollama", Map.of("tier", "local")))).containsExactly(betaId);
        assertThat(index.policiesIn(NS, d -> d.usesProvider("new-local", Map.of("tier", "local")))).as("a new provider the aggregate selects")
                .containsExactly(betaId);
        assertThat(index.policiesIn(NS, d -> d.usesProvider("unrelated", Map.of()))).isEmpty();
        assertThat(index.policiesIn(NS, d -> d.secrets().contains("openai-keys"))).containsExactly(alphaId);
        assertThat(index.policiesIn(NS, d -> d.secrets().contains("ollama-token"))).containsExactly(betaId);
        assertThat(index.policiesIn(NS, d -> d.secrets().contains("beta-clients"))).containsExactly(betaId);
        assertThat(index.policiesIn(NS, d -> d.modelGroups().contains("alpha-chat"))).containsExactly(alphaId);
        assertThat(index.policiesIn("team-b", d -> true)).isEmpty();

        index.forget(alphaId);
        assertThat(index.policiesIn(NS, d -> d.usesProvider("openai", Map.of()))).isEmpty();
    }

    @Test
    void aTargetNamingAMissingProviderStillMapsSoCreatingItReconciles() {
        var index = new DependencyIndex();
        RoutingPolicy alpha = policy("alpha", "alpha", "alpha-clients");
        index.record(ResourceID.fromResource(alpha), PolicyCompilations.dependenciesOf(alpha, List.of(), List.of(alphaGroup)));

        assertThat(index.policiesIn(NS, d -> d.usesProvider("openai", Map.of()))).containsExactly(ResourceID.fromResource(alpha));
    }
}
