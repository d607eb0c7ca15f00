package dev.switchboard.operator.routingpolicy;

import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.operator.common.Labels;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The cluster-internal OpenAI-compatible endpoint: http://&lt;policy&gt;-gateway.&lt;namespace&gt;.svc/v1 on port 80. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class GatewayServiceDependent extends CRUDKubernetesDependentResource<Service, RoutingPolicy> {

    public GatewayServiceDependent() {
        super(Service.class);
    }

    @Override
    protected Service desired(RoutingPolicy policy, Context<RoutingPolicy> context) {
        String name = policy.getMetadata().getName();
        return new ServiceBuilder()
                .withMetadata(GatewayNames.gatewayMetadata(policy))
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(Labels.selector(name))
                .addNewPort()
                .withName(GatewayNames.HTTP_PORT_NAME)
                .withProtocol("TCP")
                .withPort(80)
                .withTargetPort(new IntOrString(GatewayNames.HTTP_PORT_NAME))
                .endPort()
                .endSpec()
                .build();
    }
}
