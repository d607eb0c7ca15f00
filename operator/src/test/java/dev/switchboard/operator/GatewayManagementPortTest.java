package dev.switchboard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

import dev.switchboard.operator.testing.Kustomize;
import dev.switchboard.operator.testing.Manifests;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;

/**
 * The management port is one contract between the gateway and everything that reaches its management endpoints: the
 * gateway serves health, metrics, the config hash and the admin API on quarkus.management.port; the operator's
 * Deployment names that port and points its probes at it, the config probe asks it, the PodMonitor scrapes it, the
 * Service leaves it out, and the NetworkPolicy keeps it to the operator and monitoring while clients keep the API port.
 */
class GatewayManagementPortTest {

    static final Path ROOT = Manifests.repoRoot();

    @Test
    void everythingThatReachesTheManagementEndpointsUsesTheGatewaysManagementPort() throws IOException {
        Properties gateway = properties(ROOT.resolve("gateway/src/main/resources/application.properties"));
        int management = Integer.parseInt(gateway.getProperty("quarkus.management.port"));
        int api = Integer.parseInt(gateway.getProperty("quarkus.http.port"));
        assertThat(management).isNotEqualTo(api);
        assertThat(properties(ROOT.resolve("operator/src/main/resources/application.properties")).getProperty("switchboard.gateway.status-port"))
                .as("the config probe's port").isEqualTo(Integer.toString(management));

        List<HasMetadata> derived = InstallManifestsTest.readAll(ROOT.resolve("operator/src/test/resources/golden/out-samples.yaml"));
        Container container = Manifests.ofType(derived, Deployment.class).get(0).getSpec().getTemplate().getSpec().getContainers().get(0);
        String managementName = portNamed(container, management);
        String apiName = portNamed(container, api);
        assertThat(container.getLivenessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString(managementName));
        assertThat(container.getReadinessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString(managementName));

        Service service = Manifests.ofType(derived, Service.class).get(0);
        assertThat(service.getSpec().getPorts()).as("the Service clients use").singleElement()
                .satisfies(port -> assertThat(port.getTargetPort()).isEqualTo(new IntOrString(apiName)));

        assertThat(gatewayPodMonitorPort()).isEqualTo(managementName);

        NetworkPolicy policy = Manifests.ofType(derived, NetworkPolicy.class).get(0);
        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(Manifests.ofType(derived, Deployment.class).get(0)
                .getSpec().getSelector().getMatchLabels());
        assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(policy.getSpec().getIngress()).hasSize(2);
        NetworkPolicyIngressRule clients = rule(policy, apiName);
        NetworkPolicyIngressRule monitoring = rule(policy, managementName);
        assertThat(clients.getFrom()).as("every client may call the API port").isEmpty();
        assertThat(monitoring.getFrom()).as("only the operator's pods and the monitoring namespaces reach the management port")
                .hasSize(2)
                .anySatisfy(peer -> {
                    assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("app.kubernetes.io/name", "switchboard-operator");
                    assertThat(peer.getNamespaceSelector().getMatchExpressions().get(0).getValues()).containsExactly("switchboard-system");
                })
                .anySatisfy(peer -> {
                    assertThat(peer.getPodSelector()).isNull();
                    assertThat(peer.getNamespaceSelector().getMatchExpressions().get(0).getValues()).containsExactly("monitoring");
                });
    }

    private static String portNamed(Container container, int number) {
        return container.getPorts().stream().filter(port -> port.getContainerPort() == number).map(ContainerPort::getName)
                .findFirst().orElseThrow(() -> new AssertionError("the gateway container declares no port " + number));
    }

    private static NetworkPolicyIngressRule rule(NetworkPolicy policy, String portName) {
        return policy.getSpec().getIngress().stream()
                .filter(rule -> rule.getPorts().stream().anyMatch(port -> port.getPort().equals(new IntOrString(portName))))
                .findFirst().orElseThrow(() -> new AssertionError("no rule for port " + portName));
    }

    @SuppressWarnings("unchecked")
    private static Object gatewayPodMonitorPort() throws IOException {
        for (Map<String, Object> object : Kustomize.render(ROOT.resolve("manifests/monitoring"))) {
            if (Kustomize.kind(object).equals("PodMonitor") && Kustomize.name(object).equals("switchboard-gateways")) {
                List<Map<String, Object>> endpoints = (List<Map<String, Object>>) Kustomize.map(object, "spec").get("podMetricsEndpoints");
                return endpoints.get(0).get("port");
            }
        }
        throw new AssertionError("manifests/monitoring has no PodMonitor for the gateways");
    }

    private static Properties properties(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        return properties;
    }
}
