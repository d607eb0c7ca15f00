package dev.switchboard.operator.routingpolicy;

import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.api.v1alpha1.RoutingPolicySpec;

/** How many gateway pods a policy asks for: a fixed count (default 2) or an autoscaling range. */
final class GatewaySizing {

    static final int DEFAULT_REPLICAS = 2;

    private GatewaySizing() {
    }

    static RoutingPolicySpec.Gateway gateway(RoutingPolicy policy) {
        return policy.getSpec() == null ? null : policy.getSpec().gateway();
    }

    static RoutingPolicySpec.Autoscaling autoscaling(RoutingPolicy policy) {
        var gateway = gateway(policy);
        return gateway == null ? null : gateway.autoscaling();
    }

    /** The fixed replica count, or null when the HPA owns spec.replicas. */
    static Integer fixedReplicas(RoutingPolicy policy) {
        if (autoscaling(policy) != null) {
            return null;
        }
        var gateway = gateway(policy);
        return gateway != null && gateway.replicas() != null ? gateway.replicas() : DEFAULT_REPLICAS;
    }

    static int minimumReplicas(RoutingPolicy policy) {
        var autoscaling = autoscaling(policy);
        return autoscaling != null ? GatewayAutoscalerDependent.minReplicas(autoscaling) : fixedReplicas(policy);
    }
}
