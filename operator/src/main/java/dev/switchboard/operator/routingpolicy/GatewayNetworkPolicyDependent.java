package dev.switchboard.operator.routingpolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.operator.common.Labels;
import dev.switchboard.operator.common.OperatorConfig;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * Who may reach the gateway pods: the API port as the Service does (every client, or the namespaces configured in
 * switchboard.gateway.network-policy.client-namespaces), the management port (metrics with client and team names,
 * key fingerprints, health, the admin API) only the operator's own pods, for the config probe, and the pods of the
 * monitoring namespaces. Egress is left open: providers live anywhere. Kubelet probes come from the node, which
 * NetworkPolicies always admit.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class GatewayNetworkPolicyDependent extends CRUDKubernetesDependentResource<NetworkPolicy, RoutingPolicy> {

    /** The label Kubernetes sets on every namespace to its name. */
    static final String NAMESPACE_NAME = "kubernetes.io/metadata.name";

    private final OperatorConfig config;
    private final String operatorNamespace;

    @Inject
    public GatewayNetworkPolicyDependent(OperatorConfig config, KubernetesClient client) {
        this(config, client.getNamespace());
    }

    GatewayNetworkPolicyDependent(OperatorConfig config, String operatorNamespace) {
        super(NetworkPolicy.class);
        this.config = config;
        this.operatorNamespace = operatorNamespace;
    }

    @Override
    protected NetworkPolicy desired(RoutingPolicy policy, Context<RoutingPolicy> context) {
        return new NetworkPolicyBuilder()
                .withMetadata(GatewayNames.gatewayMetadata(policy))
                .withNewSpec()
                .withPodSelector(new LabelSelectorBuilder().withMatchLabels(Labels.selector(policy.getMetadata().getName())).build())
                .withPolicyTypes("Ingress")
                .withIngress(clients(), monitoring())
                .endSpec()
                .build();
    }

    /** The API port: from anywhere (no peers), or from the configured namespaces. */
    private NetworkPolicyIngressRule clients() {
        NetworkPolicyIngressRuleBuilder rule = new NetworkPolicyIngressRuleBuilder()
                .addNewPort().withPort(new IntOrString(GatewayNames.HTTP_PORT_NAME)).withProtocol("TCP").endPort();
        config.gateway().networkPolicy().clientNamespaces()
                .filter(namespaces -> !namespaces.isEmpty())
                .ifPresent(namespaces -> rule.withFrom(new NetworkPolicyPeerBuilder().withNamespaceSelector(namespaces(namespaces)).build()));
        return rule.build();
    }

    /** The management port: the operator's pods (config probe) and the monitoring namespaces (scrapes). */
    private NetworkPolicyIngressRule monitoring() {
        List<NetworkPolicyPeer> peers = new ArrayList<>();
        peers.add(new NetworkPolicyPeerBuilder()
                .withNamespaceSelector(namespaces(List.of(operatorNamespace)))
                .withPodSelector(new LabelSelectorBuilder().withMatchLabels(Map.of(Labels.NAME, Labels.OPERATOR)).build())
                .build());
        List<String> monitoring = config.gateway().networkPolicy().monitoringNamespaces();
        if (!monitoring.isEmpty()) {
            peers.add(new NetworkPolicyPeerBuilder().withNamespaceSelector(namespaces(monitoring)).build());
        }
        return new NetworkPolicyIngressRuleBuilder()
                .addNewPort().withPort(new IntOrString(GatewayNames.MANAGEMENT_PORT_NAME)).withProtocol("TCP").endPort()
                .withFrom(peers)
                .build();
    }

    private static LabelSelector namespaces(List<String> names) {
        return new LabelSelectorBuilder().addNewMatchExpression()
                .withKey(NAMESPACE_NAME).withOperator("In").withValues(names.stream().sorted().distinct().toList())
                .endMatchExpression().build();
    }
}
