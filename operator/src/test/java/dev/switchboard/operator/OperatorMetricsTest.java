package dev.switchboard.operator;

import static dev.switchboard.operator.testing.Cluster.conditionStatus;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.Condition;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.operator.testing.Cluster;
import dev.switchboard.operator.testing.Crds;
import dev.switchboard.operator.testing.GatewayStub;
import dev.switchboard.operator.testing.Manifests;
import dev.switchboard.operator.testing.MockApiServer;
import dev.switchboard.operator.testing.MockApiServerResource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The monitoring manifests (manifests/monitoring) rely on the operator metrics listed in
 * src/test/resources/monitoring/operator-metrics.txt, where MonitoringManifestsTest checks that they use nothing
 * else. Here the operator must export each of them, with every label listed, on /q/metrics, after reconciles that
 * succeed and one that fails: the API server refuses the first write of the routing ConfigMap once, as it does
 * without permission (the client would retry a 5xx by itself).
 */
@QuarkusTest
@QuarkusTestResource(value = MockApiServerResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GatewayStub.class, restrictToAnnotatedClass = true)
class OperatorMetricsTest {

    static final String NS = "metrics";
    static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? \\S+");
    static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

    @Inject
    KubernetesClient client;

    /** Fabric8's mixed mode, where an expectation answers before CRUD does. */
    MockApiServer server;

    @TestHTTPResource("/q/metrics")
    URL metrics;

    @Test
    void everyOperatorMetricTheMonitoringUsesIsExportedWithItsLabels() throws Exception {
        server.server().expect().post().withPath("/api/v1/namespaces/" + NS + "/configmaps")
                .andReturn(403, new StatusBuilder().withCode(403).withReason("Forbidden")
                        .withMessage("configmaps is forbidden: User cannot create resource \"configmaps\" in namespace \"" + NS + "\"").build())
                .once();
        var cluster = new Cluster(client);
        Crds.install(client);
        cluster.createNamespace(NS);
        cluster.apply(Manifests.samplesWithoutDiscovery(NS));
        // The failed reconcile reported itself, and its retry wrote the ConfigMap.
        cluster.awaitValue(() -> cluster.get(RoutingPolicy.class, NS, "default"), p -> p.getStatus() != null
                && Condition.TRUE.equals(conditionStatus(p.getStatus().conditions(), "ResolvedRefs")));
        cluster.awaitResource(ConfigMap.class, NS, "default-routing");

        String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(metrics.toString())).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Set<String>> exported = labelsByMetric(scrape);
        Map<String, Set<String>> relied = MonitoringManifestsTest.listedMetrics("operator-metrics.txt");
        assertThat(relied).isNotEmpty();
        relied.forEach((metric, labels) -> {
            assertThat(exported).as("exported metrics").containsKey(metric);
            assertThat(exported.get(metric)).as(metric + " labels").containsAll(labels);
        });
        assertThat(scrape).as("a failed routingpolicy reconcile is counted")
                .containsPattern("operator_sdk_controllers_execution_reconcile_failure_total\\{[^}]*controller=\"routingpolicy\"");
        assertThat(exported.get("operator_sdk_controllers_execution_reconcile_seconds_count"))
                .as("series per controller, not per resource").doesNotContain("resource_name", "resource_namespace");
    }

    /** Metric name to the union of its label names, from the Prometheus text format. */
    static Map<String, Set<String>> labelsByMetric(String text) {
        Map<String, Set<String>> metrics = new HashMap<>();
        for (String line : text.split("\n")) {
            Matcher sample = SAMPLE.matcher(line);
            if (line.startsWith("#") || !sample.find()) {
                continue;
            }
            Set<String> labels = metrics.computeIfAbsent(sample.group(1), k -> new HashSet<>());
            if (sample.group(2) != null) {
                Matcher label = LABEL.matcher(sample.group(2));
                while (label.find()) {
                    labels.add(label.group(1));
                }
            }
        }
        return metrics;
    }
}
