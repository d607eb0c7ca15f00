package dev.switchboard.operator.routingpolicy;

import java.nio.charset.StandardCharsets;

import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.compiler.Compilation;
import dev.switchboard.operator.common.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * The routing table the gateway hot-reloads. It holds the compiler's canonical JSON (names of secret files,
 * never secret values) and its hash, so a routing change touches only this object, never the pod template.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class RoutingConfigMapDependent extends CRUDKubernetesDependentResource<ConfigMap, RoutingPolicy> {

    private final PolicyCompilations compilations;

    public RoutingConfigMapDependent(PolicyCompilations compilations) {
        super(ConfigMap.class);
        this.compilations = compilations;
    }

    @Override
    protected ConfigMap desired(RoutingPolicy policy, Context<RoutingPolicy> context) {
        Compilation compilation = compilations.of(policy, context);
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(GatewayNames.routingConfigMap(policy))
                .withNamespace(policy.getMetadata().getNamespace())
                .withLabels(Labels.managed(policy.getMetadata().getName()))
                .addToAnnotations(GatewayNames.HASH_ANNOTATION, compilation.hash())
                .endMetadata()
                .addToData(GatewayNames.ROUTING_KEY, new String(compilation.json(), StandardCharsets.UTF_8))
                .build();
    }
}
