package dev.switchboard.operator.routingpolicy;

import static dev.switchboard.operator.testing.Cluster.condition;
import static dev.switchboard.operator.testing.Cluster.conditionStatus;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import dev.switchboard.api.v1alpha1.Condition;
import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.operator.testing.Cluster;
import dev.switchboard.operator.testing.Crds;
import dev.switchboard.operator.testing.GatewayStub;
import dev.switchboard.operator.testing.Manifests;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/**
 * The operator, started by Quarkus against Fabric8's mock API server in CRUD mode, reconciling the
 * manifests/samples set. Each test works in its own namespace; the operator watches all of them.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = GatewayStub.class, restrictToAnnotatedClass = true)
class RoutingPolicyOperatorTest {

    @Inject
    KubernetesClient client;

    Cluster cluster;

    void setUpNamespace(String namespace) {
        cluster = new Cluster(client);
        Crds.install(client);
        cluster.createNamespace(namespace);
    }

    List<HasMetadata> samples(String namespace) {
        return Manifests.samplesWithoutDiscovery(namespace);
    }

    RoutingPolicy policy(String namespace) {
        return cluster.get(RoutingPolicy.class, namespace, "default");
    }

    /**
     * Resources arrive in any order and informers see them in any order, so early compilations may miss some;
     * settled means the status reports the complete samples table and the hash the ConfigMap carries.
     */
    RoutingPolicy awaitSamplesSettled(String namespace) {
        return cluster.awaitValue(() -> policy(namespace), p -> p.getStatus() != null
                && Integer.valueOf(2).equals(p.getStatus().models())
                && Condition.TRUE.equals(conditionStatus(p.getStatus().conditions(), "ResolvedRefs"))
                && p.getStatus().configHash().equals(configHash(namespace)));
    }

    String configHash(String namespace) {
        ConfigMap routing = cluster.get(ConfigMap.class, namespace, "default-routing");
        return routing == null ? null : routing.getMetadata().getAnnotations().get("switchboard.dev/config-hash");
    }

    @Test
    void samplesCreateEveryDependentWithOwnerReferences() {
        String ns = "samples";
        setUpNamespace(ns);
        cluster.apply(samples(ns));
        RoutingPolicy policy = awaitSamplesSettled(ns);

        List<HasMetadata> owned = List.of(
                cluster.awaitResource(ConfigMap.class, ns, "default-routing"),
                cluster.awaitResource(Deployment.class, ns, "default-gateway"),
                cluster.awaitResource(Service.class, ns, "default-gateway"),
                cluster.awaitResource(HorizontalPodAutoscaler.class, ns, "default-gateway"),
                cluster.awaitResource(PodDisruptionBudget.class, ns, "default-gateway"),
                cluster.awaitResource(ServiceAccount.class, ns, "default-gateway"),
                cluster.awaitResource(NetworkPolicy.class, ns, "default-gateway"));
        String policyUid = policy.getMetadata().getUid();
        for (HasMetadata resource : owned) {
            assertThat(resource.getMetadata().getOwnerReferences()).as(resource.getKind())
                    .extracting(OwnerReference::getKind, OwnerReference::getName, OwnerReference::getUid)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("RoutingPolicy", "default", policyUid));
            assertThat(resource.getMetadata().getLabels()).containsEntry("app.kubernetes.io/managed-by", "switchboard-operator")
                    .containsEntry("app.kubernetes.io/instance", "default");
        }
        ConfigMap routing = (ConfigMap) owned.get(0);
        assertThat(routing.getData().get("routing.json")).contains("chat-smart", "chat-local").doesNotContain("replace-me");
        Deployment deployment = (Deployment) owned.get(1);
        assertThat(deployment.getSpec().getReplicas()).as("the HPA owns replicas").isNull();

        assertThat(policy.getStatus().configHash()).isEqualTo(routing.getMetadata().getAnnotations().get("switchboard.dev/config-hash"));
        assertThat(policy.getStatus().endpoint()).isEqualTo("http://default-gateway.samples.svc/v1");
        assertThat(policy.getStatus().models()).isEqualTo(2);
        assertThat(condition(policy.getStatus().conditions(), "Accepted").status()).isEqualTo(Condition.TRUE);
        assertThat(condition(policy.getStatus().conditions(), "ResolvedRefs").status()).isEqualTo(Condition.TRUE);
        Condition programmed = condition(policy.getStatus().conditions(), "Programmed");
        assertThat(programmed.status()).isEqualTo(Condition.FALSE);
        assertThat(programmed.reason()).isEqualTo("NoReadyReplicas");
        assertThat(programmed.observedGeneration()).isEqualTo(policy.getMetadata().getGeneration());

        // Secrets may reach the informers after the Providers: wait for the state the complete samples give.
        Provider openai = cluster.awaitValue(() -> cluster.get(Provider.class, ns, "openai-main"),
                p -> p.getStatus() != null && Condition.TRUE.equals(conditionStatus(p.getStatus().conditions(), "CredentialsResolved")));
        assertThat(openai.getStatus().keys()).isEqualTo(2);
        assertThat(condition(openai.getStatus().conditions(), "CredentialsResolved").message()).isEqualTo("Secret openai-keys provides 2 keys");
        ModelGroup smart = cluster.awaitValue(() -> cluster.get(ModelGroup.class, ns, "chat-smart"),
                g -> g.getStatus() != null && Integer.valueOf(3).equals(g.getStatus().resolvedTargets()));
        assertThat(smart.getStatus().targets()).containsExactly("anthropic-main/claude-sonnet-4-5", "openai-main/gpt-4o", "simulated/sim-smart");
        assertThat(conditionStatus(smart.getStatus().conditions(), "ResolvedRefs")).isEqualTo(Condition.TRUE);
    }

    @Test
    void editingAModelGroupChangesOnlyTheConfigMap() {
        String ns = "edit";
        setUpNamespace(ns);
        cluster.apply(samples(ns));
        awaitSamplesSettled(ns);
        ConfigMap before = cluster.awaitResource(ConfigMap.class, ns, "default-routing");
        Deployment deployment = cluster.awaitResource(Deployment.class, ns, "default-gateway");

        cluster.mergePatch(ModelGroup.class, ns, "chat-local", "{\"spec\":{\"aliases\":[\"llama3.1\",\"llama-local\"]}}");

        ConfigMap after = cluster.awaitValue(() -> cluster.get(ConfigMap.class, ns, "default-routing"),
                c -> c.getData().get("routing.json").contains("llama-local"));
        assertThat(after.getMetadata().getAnnotations()).isNotEqualTo(before.getMetadata().getAnnotations());
        Deployment unchanged = cluster.get(Deployment.class, ns, "default-gateway");
        assertThat(unchanged.getSpec().getTemplate()).isEqualTo(deployment.getSpec().getTemplate());
        assertThat(unchanged.getMetadata().getResourceVersion()).isEqualTo(deployment.getMetadata().getResourceVersion());
    }

    /**
     * A pod-template setting rolls the Deployment and keeps the HPA's replica count; an image the policy names is
     * refused (the operator's configuration does not allow overrides), since the pods mount the policy's Secrets.
     */
    @Test
    void aPodTemplateChangeRollsTheDeploymentButAPolicyImageIsRefused() {
        String ns = "image";
        setUpNamespace(ns);
        cluster.apply(samples(ns));
        awaitSamplesSettled(ns);
        ConfigMap routing = cluster.awaitResource(ConfigMap.class, ns, "default-routing");
        Deployment before = cluster.awaitResource(Deployment.class, ns, "default-gateway");
        assertThat(before.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("switchboard/gateway:0.1.0");

        // The HPA scales the Deployment; the operator must neither undo that nor drop it on its next update.
        cluster.mergePatch(Deployment.class, ns, "default-gateway", "{\"spec\":{\"replicas\":5}}");
        cluster.mergePatch(RoutingPolicy.class, ns, "default",
                "{\"spec\":{\"gateway\":{\"image\":\"example.org/gateway:9.9.9\",\"logLevel\":\"DEBUG\"}}}");

        Deployment after = cluster.awaitValue(() -> cluster.get(Deployment.class, ns, "default-gateway"),
                d -> d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream().anyMatch(e -> "DEBUG".equals(e.getValue())));
        assertThat(after.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("switchboard/gateway:0.1.0");
        assertThat(after.getSpec().getReplicas()).isEqualTo(5);
        assertThat(cluster.get(ConfigMap.class, ns, "default-routing").getMetadata().getResourceVersion())
                .isEqualTo(routing.getMetadata().getResourceVersion());
        RoutingPolicy refused = cluster.awaitValue(() -> policy(ns), p -> Condition.FALSE.equals(conditionStatus(p.getStatus().conditions(), "Accepted")));
        Condition accepted = condition(refused.getStatus().conditions(), "Accepted");
        assertThat(accepted.reason()).isEqualTo("ImageOverrideNotAllowed");
        assertThat(accepted.message()).contains("spec.gateway.image", "switchboard.gateway.allow-image-override");
    }

    @Test
    void oneFixedReplicaRemovesTheAutoscalerAndTheDisruptionBudget() {
        String ns = "sizing";
        setUpNamespace(ns);
        cluster.apply(samples(ns));
        awaitSamplesSettled(ns);
        cluster.awaitResource(HorizontalPodAutoscaler.class, ns, "default-gateway");
        cluster.awaitResource(PodDisruptionBudget.class, ns, "default-gateway");

        cluster.mergePatch(RoutingPolicy.class, ns, "default", "{\"spec\":{\"gateway\":{\"autoscaling\":null,\"replicas\":1}}}");

        cluster.awaitValue(() -> cluster.get(Deployment.class, ns, "default-gateway"), d -> Integer.valueOf(1).equals(d.getSpec().getReplicas()));
        cluster.awaitAsserted(() -> assertThat(cluster.get(HorizontalPodAutoscaler.class, ns, "default-gateway")).isNull());
        cluster.awaitAsserted(() -> assertThat(cluster.get(PodDisruptionBudget.class, ns, "default-gateway")).isNull());
    }

    @Test
    void deletingAProviderReportsItByNameWhileOtherRoutesStay() {
        String ns = "deletion";
        setUpNamespace(ns);
        cluster.apply(samples(ns));
        awaitSamplesSettled(ns);

        client.resources(Provider.class).inNamespace(ns).withName("anthropic-main").delete();

        RoutingPolicy policy = cluster.awaitValue(() -> policy(ns), p -> Condition.FALSE.equals(
                conditionStatus(p.getStatus().conditions(), "ResolvedRefs")));
        Condition resolvedRefs = condition(policy.getStatus().conditions(), "ResolvedRefs");
        assertThat(resolvedRefs.reason()).isEqualTo("UnknownProvider");
        assertThat(resolvedRefs.message()).contains("ModelGroup deletion/chat-smart", "Provider anthropic-main does not exist");
        String table = cluster.awaitValue(() -> cluster.get(ConfigMap.class, ns, "default-routing").getData().get("routing.json"),
                json -> !json.contains("anthropic-main"));
        assertThat(table).contains("\"chat-smart\"", "\"chat-local\"", "openai-main");
        ModelGroup smart = cluster.awaitValue(() -> cluster.get(ModelGroup.class, ns, "chat-smart"),
                g -> g.getStatus() != null && Condition.FALSE.equals(conditionStatus(g.getStatus().conditions(), "ResolvedRefs")));
        assertThat(condition(smart.getStatus().conditions(), "ResolvedRefs").message()).contains("anthropic-main");
        assertThat(condition(smart.getStatus().conditions(), "Ready").status()).isEqualTo(Condition.TRUE);
    }

    @Test
    void rotatingASecretChangesNeitherConfigMapNorPodTemplate() throws IOException {
        String ns = "rotation";
        setUpNamespace(ns);
        cluster.apply(samples(ns));
        awaitSamplesSettled(ns);
        ConfigMap routing = cluster.awaitResource(ConfigMap.class, ns, "default-routing");
        Deployment deployment = cluster.awaitResource(Deployment.class, ns, "default-gateway");
        String tableBefore = routing.getData().get("routing.json");

        cluster.mergePatch(Secret.class, ns, "openai-keys", "{\"stringData\":{\"key-1\":\"sk-rotated-1\",\"key-2\":\"sk-rotated-2\"}}");
        // A later change the operator must act on: once it shows, the rotation (queued earlier) was handled too.
        cluster.mergePatch(ModelGroup.class, ns, "chat-local", "{\"spec\":{\"aliases\":[\"llama3.1\",\"after-rotation\"]}}");

        String tableAfter = cluster.awaitValue(() -> cluster.get(ConfigMap.class, ns, "default-routing").getData().get("routing.json"),
                json -> json.contains("after-rotation"));
        assertThat(withoutAlias(tableAfter, "after-rotation")).as("only the alias changed").isEqualTo(JSON.readTree(tableBefore));
        assertThat(tableAfter).doesNotContain("sk-rotated");
        Deployment after = cluster.get(Deployment.class, ns, "default-gateway");
        assertThat(after.getSpec().getTemplate()).isEqualTo(deployment.getSpec().getTemplate());
        assertThat(after.getMetadata().getResourceVersion()).isEqualTo(deployment.getMetadata().getResourceVersion());
    }

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode withoutAlias(String table, String alias) throws IOException {
        JsonNode tree = JSON.readTree(table);
        for (JsonNode model : tree.get("models")) {
            ArrayNode aliases = (ArrayNode) model.get("aliases");
            for (int i = aliases.size() - 1; i >= 0; i--) {
                if (alias.equals(aliases.get(i).asText())) {
                    aliases.remove(i);
                }
            }
        }
        return tree;
    }
}
