package dev.switchboard.operator.routingpolicy;

import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.operator.common.Labels;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * A dedicated identity for gateway pods. The gateway never calls the Kubernetes API, so no token is mounted: not even
 * to verify ServiceAccount tokens, whose issuer keys the operator publishes in the routing table (ClusterIssuerKeys).
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class GatewayServiceAccountDependent extends CRUDKubernetesDependentResource<ServiceAccount, RoutingPolicy> {

    public GatewayServiceAccountDependent() {
        super(ServiceAccount.class);
    }

    @Override
    protected ServiceAccount desired(RoutingPolicy policy, Context<RoutingPolicy> context) {
        return new ServiceAccountBuilder()
                .withMetadata(GatewayNames.gatewayMetadata(policy))
                .withAutomountServiceAccountToken(false)
                .build();
    }
}
