package dev.switchboard.operator.routingpolicy;

import dev.switchboard.api.v1alpha1.RoutingPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** The PDB exists only when the gateway runs (at least) two replicas; otherwise the workflow deletes it. */
public class RunsMultipleReplicas implements Condition<PodDisruptionBudget, RoutingPolicy> {

    @Override
    public boolean isMet(DependentResource<PodDisruptionBudget, RoutingPolicy> dependent, RoutingPolicy policy,
            Context<RoutingPolicy> context) {
        return GatewaySizing.minimumReplicas(policy) > 1;
    }
}
