package dev.switchboard.operator.routingpolicy;

import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.operator.common.Labels;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * Lets node drains take at most one gateway pod at a time. Exists only with more than one replica
 * (see {@link RunsMultipleReplicas}): with one replica it would block every drain.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class GatewayDisruptionBudgetDependent extends CRUDKubernetesDependentResource<PodDisruptionBudget, RoutingPolicy> {

    public GatewayDisruptionBudgetDependent() {
        super(PodDisruptionBudget.class);
    }

    /**
     * Found by name, not through desired(): when the workflow deletes the PDB after its precondition turned
     * false, the spec it would be built from is gone.
     */
    @Override
    protected ResourceID targetSecondaryResourceID(RoutingPolicy policy, Context<RoutingPolicy> context) {
        return new ResourceID(GatewayNames.gateway(policy), policy.getMetadata().getNamespace());
    }

    @Override
    protected PodDisruptionBudget desired(RoutingPolicy policy, Context<RoutingPolicy> context) {
        String name = policy.getMetadata().getName();
        return new PodDisruptionBudgetBuilder()
                .withMetadata(GatewayNames.gatewayMetadata(policy))
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(1))
                .withNewSelector().withMatchLabels(Labels.selector(name)).endSelector()
                .endSpec()
                .build();
    }
}
