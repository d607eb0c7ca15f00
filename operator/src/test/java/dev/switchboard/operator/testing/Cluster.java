package dev.switchboard.operator.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import dev.switchboard.api.v1alpha1.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/** Small helpers over the mock API server for readable integration tests. */
public final class Cluster {

    /** Generous: the tests wait for the operator, never for a fixed time. */
    public static final Duration PATIENCE = Duration.ofSeconds(60);

    private final KubernetesClient client;

    public Cluster(KubernetesClient client) {
        this.client = client;
    }

    public void createNamespace(String namespace) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
    }

    public void apply(List<HasMetadata> resources) {
        resources.forEach(r -> client.resource(r).create());
    }

    public <T extends HasMetadata> T get(Class<T> type, String namespace, String name) {
        return client.resources(type).inNamespace(namespace).withName(name).get();
    }

    public <T extends HasMetadata> void mergePatch(Class<T> type, String namespace, String name, String json) {
        client.resources(type).inNamespace(namespace).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), json);
    }

    public <T extends HasMetadata> T awaitResource(Class<T> type, String namespace, String name) {
        return await().atMost(PATIENCE).until(() -> get(type, namespace, name), r -> r != null);
    }

    public <T> T awaitValue(Supplier<T> supplier, java.util.function.Predicate<T> done) {
        return await().atMost(PATIENCE).until(supplier::get, done::test);
    }

    public void awaitAsserted(Runnable assertion) {
        await().atMost(PATIENCE).untilAsserted(assertion::run);
    }

    public static <T extends HasMetadata> T yaml(Class<T> type, String yaml) {
        return Manifests.SERIALIZATION.unmarshal(yaml, type);
    }

    /**
     * A gateway pod of the policy as kubelet would report it once ready, at podIP 127.0.0.1, where the test's
     * stand-in (or real) gateway answers the operator's config probe.
     */
    public void readyGatewayPod(String namespace, String policy, String name) {
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace)
                .withLabels(Map.of("app.kubernetes.io/name", "switchboard-gateway", "app.kubernetes.io/instance", policy))
                .endMetadata()
                .withNewSpec().addNewContainer().withName("gateway").withImage("switchboard/gateway:0.1.0").endContainer().endSpec()
                .build();
        client.pods().inNamespace(namespace).resource(pod).create();
        var status = List.of(Map.of("op", "add", "path", "/status", "value", Map.of(
                "podIP", "127.0.0.1",
                "conditions", List.of(Map.of("type", "Ready", "status", "True")))));
        client.pods().inNamespace(namespace).withName(name).subresource("status")
                .patch(PatchContext.of(PatchType.JSON), client.getKubernetesSerialization().asJson(status));
    }

    /** The status of a condition, or null while it is not reported. */
    public static String conditionStatus(List<Condition> conditions, String type) {
        Condition condition = condition(conditions, type);
        return condition == null ? null : condition.status();
    }

    public static Condition condition(List<Condition> conditions, String type) {
        return conditions == null ? null : conditions.stream().filter(c -> type.equals(c.type())).findFirst().orElse(null);
    }
}
