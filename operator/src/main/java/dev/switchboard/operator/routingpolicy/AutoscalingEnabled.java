package dev.switchboard.operator.routingpolicy;

import dev.switchboard.api.v1alpha1.RoutingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** The HPA exists only while autoscaling is set; when the condition turns false the workflow deletes it. */
public class AutoscalingEnabled implements Condition<HorizontalPodAutoscaler, RoutingPolicy> {

    @Override
    public boolean isMet(DependentResource<HorizontalPodAutoscaler, RoutingPolicy> dependent, RoutingPolicy policy,
            Context<RoutingPolicy> context) {
        return GatewaySizing.autoscaling(policy) != null;
    }
}
