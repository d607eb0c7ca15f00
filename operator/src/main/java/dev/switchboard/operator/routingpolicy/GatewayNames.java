package dev.switchboard.operator.routingpolicy;

import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.operator.common.Labels;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/** Names of what one RoutingPolicy owns, and where the gateway finds its files. */
final class GatewayNames {

    static final String ROUTING_KEY = "routing.json";
    static final String ROUTING_DIR = "/etc/switchboard/routing";
    static final String HASH_ANNOTATION = "switchboard.dev/config-hash";
    static final String HTTP_PORT_NAME = "http";
    static final int HTTP_PORT = 8080;
    /** The gateway's management port: health, metrics, the served config hash, the admin API. Never on the Service. */
    static final String MANAGEMENT_PORT_NAME = "management";
    static final int MANAGEMENT_PORT = 9000;

    private GatewayNames() {
    }

    static String routingConfigMap(RoutingPolicy policy) {
        return policy.getMetadata().getName() + "-routing";
    }

    /** Deployment, Service, ServiceAccount, HPA and PDB share one name: one gateway per policy. */
    static String gateway(RoutingPolicy policy) {
        return policy.getMetadata().getName() + "-gateway";
    }

    /** Name, namespace and managed labels shared by every object named after the gateway. */
    static ObjectMeta gatewayMetadata(RoutingPolicy policy) {
        return new ObjectMetaBuilder()
                .withName(gateway(policy))
                .withNamespace(policy.getMetadata().getNamespace())
                .withLabels(Labels.managed(policy.getMetadata().getName()))
                .build();
    }

    static String endpoint(RoutingPolicy policy) {
        return "http://" + gateway(policy) + "." + policy.getMetadata().getNamespace() + ".svc/v1";
    }
}
