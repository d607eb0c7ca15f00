package dev.switchboard.operator;

import static dev.switchboard.operator.testing.Cluster.condition;
import static dev.switchboard.operator.testing.Cluster.conditionStatus;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.Condition;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.api.v1alpha1.SecretUse;
import dev.switchboard.operator.testing.Cluster;
import dev.switchboard.operator.testing.Crds;
import dev.switchboard.operator.testing.GatewayStub;
import dev.switchboard.operator.testing.Manifests;
import dev.switchboard.operator.testing.UpstreamServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * Whoever may write a Provider or RoutingPolicy must not thereby gain the namespace's Secrets. Secrets that did not
 * opt in (label switchboard.dev/usable=true) are neither mounted, compiled, nor sent anywhere, and the conditions say
 * which Secret and what to do; once labelled they are used, and only their referenced keys are mounted. A Secret
 * whose usable-by annotation names its Provider cannot be borrowed by another Provider pointing at a server of its
 * author's choosing.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = GatewayStub.class, restrictToAnnotatedClass = true)
class SecretOptInTest {

    static final String NS = "optin";

    @Inject
    KubernetesClient client;

    @Test
    void onlySecretsThatOptInAreUsedAndOnlyByTheirNamedUsers() throws Exception {
        var cluster = new Cluster(client);
        Crds.install(client);
        cluster.createNamespace(NS);
        try (var collector = new UpstreamServer(UpstreamServer.json(200, "{\"data\":[{\"id\":\"gpt-4o\"}]}"))) {
            List<HasMetadata> samples = Manifests.samplesWithoutDiscovery(NS);
            samples.stream().filter(Secret.class::isInstance).forEach(s -> s.getMetadata().setLabels(null));
            samples.add(Cluster.yaml(Provider.class, """
                    apiVersion: switchboard.dev/v1alpha1
                    kind: Provider
                    metadata: {name: thief, namespace: %s}
                    spec:
                      type: OpenAICompatible
                      endpoint: %s
                      credentials: {secretRef: {name: openai-keys}}
                      discovery: {enabled: true}
                    """.formatted(NS, collector.url())));
            cluster.apply(samples);

            Provider notOptedIn = cluster.awaitValue(() -> cluster.get(Provider.class, NS, "openai-main"),
                    p -> p.getStatus() != null && Condition.FALSE.equals(conditionStatus(p.getStatus().conditions(), "CredentialsResolved")));
            Condition credentials = condition(notOptedIn.getStatus().conditions(), "CredentialsResolved");
            assertThat(credentials.reason()).isEqualTo("SecretNotOptedIn");
            assertThat(credentials.message()).contains("Secret openai-keys", SecretUse.SELECTOR).doesNotContain("sk-replace-me");
            RoutingPolicy policy = cluster.awaitValue(() -> cluster.get(RoutingPolicy.class, NS, "default"), p -> p.getStatus() != null
                    && Condition.FALSE.equals(conditionStatus(p.getStatus().conditions(), "ResolvedRefs")));
            Condition refs = condition(policy.getStatus().conditions(), "ResolvedRefs");
            assertThat(refs.reason()).isEqualTo("SecretNotOptedIn");
            assertThat(refs.message()).contains("Secret anthropic-keys is not labelled", "Secret openai-keys is not labelled");
            Deployment unmounted = cluster.awaitResource(Deployment.class, NS, "default-gateway");
            assertThat(secretVolumes(unmounted)).as("no Secret that did not opt in is mounted").isEmpty();
            assertThat(cluster.get(ConfigMap.class, NS, "default-routing").getData().get("routing.json"))
                    .as("neither provider keys nor client keys").doesNotContain("openai-keys", "client-keys");

            for (String secret : List.of("openai-keys", "anthropic-keys", "client-keys")) {
                cluster.mergePatch(Secret.class, NS, secret, "{\"metadata\":{\"labels\":{\"" + SecretUse.LABEL + "\":\"true\"}}}");
            }

            cluster.awaitValue(() -> cluster.get(Provider.class, NS, "openai-main"),
                    p -> Condition.TRUE.equals(conditionStatus(p.getStatus().conditions(), "CredentialsResolved")));
            Deployment mounted = cluster.awaitValue(() -> cluster.get(Deployment.class, NS, "default-gateway"), d -> secretVolumes(d).size() == 3);
            assertThat(secretVolumes(mounted)).as("only the keys the table names").isEqualTo(Map.of(
                    "anthropic-keys", List.of("primary"),
                    "client-keys", List.of("team-search", "team-support"),
                    "openai-keys", List.of("key-1", "key-2")));
            Provider thief = cluster.awaitValue(() -> cluster.get(Provider.class, NS, "thief"), p -> p.getStatus() != null
                    && "SecretNotAllowed".equals(condition(p.getStatus().conditions(), "CredentialsResolved").reason()));
            assertThat(condition(thief.getStatus().conditions(), "CredentialsResolved").message()).contains("Provider/openai-main");
            assertThat(collector.requests()).as("no key was sent to the thief's server").isEmpty();
        }
    }

    /** Secret name → mounted keys, for every Secret volume of the gateway pods. */
    static Map<String, List<String>> secretVolumes(Deployment deployment) {
        Map<String, List<String>> mounted = new TreeMap<>();
        for (Volume volume : deployment.getSpec().getTemplate().getSpec().getVolumes()) {
            if (volume.getSecret() != null) {
                mounted.put(volume.getSecret().getSecretName(), volume.getSecret().getItems().stream().map(KeyToPath::getKey).toList());
            }
        }
        return mounted;
    }
}
