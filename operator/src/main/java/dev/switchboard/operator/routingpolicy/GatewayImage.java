package dev.switchboard.operator.routingpolicy;

import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.operator.common.OperatorConfig;

/**
 * Which image the gateway pods of a policy run. The pods mount the policy's Secrets, so an image chosen by whoever
 * writes the RoutingPolicy could read and send them anywhere: a policy's spec.gateway.image is honoured only when
 * the operator's own configuration allows it (switchboard.gateway.allow-image-override); otherwise the pods run the
 * operator's image and the policy is told so (Accepted False, ImageOverrideNotAllowed).
 */
record GatewayImage(String image, boolean overrideRefused) {

    static final String REFUSED_REASON = "ImageOverrideNotAllowed";

    static GatewayImage of(RoutingPolicy policy, OperatorConfig config) {
        var gateway = GatewaySizing.gateway(policy);
        String requested = gateway == null ? null : gateway.image();
        if (requested == null || requested.equals(config.gateway().image())) {
            return new GatewayImage(config.gateway().image(), false);
        }
        if (config.gateway().allowImageOverride()) {
            return new GatewayImage(requested, false);
        }
        return new GatewayImage(config.gateway().image(), true);
    }

    String refusal() {
        return "spec.gateway.image: this operator does not let a RoutingPolicy choose its gateway image "
                + "(switchboard.gateway.allow-image-override is false); the pods run " + image;
    }
}
