package dev.switchboard.operator.routingpolicy;

import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.api.v1alpha1.RoutingPolicySpec;
import dev.switchboard.operator.common.Labels;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/** Scales the gateway Deployment on CPU; exists only while spec.gateway.autoscaling is set (see {@link AutoscalingEnabled}). */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class GatewayAutoscalerDependent extends CRUDKubernetesDependentResource<HorizontalPodAutoscaler, RoutingPolicy> {

    static final int DEFAULT_MIN_REPLICAS = 2;
    static final int DEFAULT_CPU_PERCENT = 70;

    public GatewayAutoscalerDependent() {
        super(HorizontalPodAutoscaler.class);
    }

    /**
     * Found by name, not through desired(): when the workflow deletes the HPA after its precondition turned
     * false, the spec it would be built from is gone.
     */
    @Override
    protected ResourceID targetSecondaryResourceID(RoutingPolicy policy, Context<RoutingPolicy> context) {
        return new ResourceID(GatewayNames.gateway(policy), policy.getMetadata().getNamespace());
    }

    @Override
    protected HorizontalPodAutoscaler desired(RoutingPolicy policy, Context<RoutingPolicy> context) {
        RoutingPolicySpec.Autoscaling autoscaling = policy.getSpec().gateway().autoscaling();
        String name = GatewayNames.gateway(policy);
        return new HorizontalPodAutoscalerBuilder()
                .withMetadata(GatewayNames.gatewayMetadata(policy))
                .withNewSpec()
                .withNewScaleTargetRef().withApiVersion("apps/v1").withKind("Deployment").withName(name).endScaleTargetRef()
                .withMinReplicas(minReplicas(autoscaling))
                .withMaxReplicas(autoscaling.maxReplicas())
                .addNewMetric()
                .withType("Resource")
                .withNewResource()
                .withName("cpu")
                .withNewTarget()
                .withType("Utilization")
                .withAverageUtilization(autoscaling.targetCPUUtilizationPercentage() != null
                        ? autoscaling.targetCPUUtilizationPercentage() : DEFAULT_CPU_PERCENT)
                .endTarget()
                .endResource()
                .endMetric()
                .endSpec()
                .build();
    }

    static int minReplicas(RoutingPolicySpec.Autoscaling autoscaling) {
        return autoscaling.minReplicas() != null ? autoscaling.minReplicas() : DEFAULT_MIN_REPLICAS;
    }
}
