package dev.switchboard.operator.routingpolicy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.operator.testing.Cluster;
import dev.switchboard.operator.testing.OperatorConfigs;

/** A policy's own gateway image is used only where the operator's configuration allows it. */
class GatewayImageTest {

    static RoutingPolicy policy(String gateway) {
        return Cluster.yaml(RoutingPolicy.class, """
                apiVersion: switchboard.dev/v1alpha1
                kind: RoutingPolicy
                metadata: {name: edge, namespace: team-a}
                spec: {access: {mode: Open}%s}
                """.formatted(gateway));
    }

    @Test
    void theOperatorsImageUnlessOverridesAreAllowed() {
        var named = policy(", gateway: {image: 'example.org/gateway:9.9.9'}");
        assertThat(GatewayImage.of(named, OperatorConfigs.defaults()))
                .isEqualTo(new GatewayImage("switchboard/gateway:0.1.0", true));
        assertThat(GatewayImage.of(named, OperatorConfigs.withImageOverride("switchboard/gateway:0.1.0", true)))
                .isEqualTo(new GatewayImage("example.org/gateway:9.9.9", false));
        assertThat(GatewayImage.of(policy(""), OperatorConfigs.defaults())).isEqualTo(new GatewayImage("switchboard/gateway:0.1.0", false));
        assertThat(GatewayImage.of(policy(", gateway: {image: 'switchboard/gateway:0.1.0'}"), OperatorConfigs.defaults()))
                .as("naming the operator's own image is no override").isEqualTo(new GatewayImage("switchboard/gateway:0.1.0", false));
    }
}
