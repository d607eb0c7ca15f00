package dev.switchboard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.operator.testing.Kustomize;
import dev.switchboard.operator.testing.Manifests;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/**
 * manifests/monitoring renders, scrapes the pods the install and the operator really create, and its
 * rules and dashboard use only the metrics and labels listed in src/test/resources/monitoring/gateway-metrics.txt
 * (the list the gateway's MonitoringMetricsTest finds on /q/metrics) and operator-metrics.txt (the list
 * OperatorMetricsTest finds on the operator's).
 */
class MonitoringManifestsTest {

    static final Path ROOT = Manifests.repoRoot();
    static final Path MONITORING = ROOT.resolve("manifests/monitoring");
    static final Pattern METRIC = Pattern.compile("\\b(?:switchboard|operator_sdk)_[a-z_]+\\b");
    static final List<String> LISTS = List.of("gateway-metrics.txt", "operator-metrics.txt");
    static final Pattern GROUPING = Pattern.compile("\\b(?:by|without) \\(([^)]*)\\)");
    static final Pattern MATCHER = Pattern.compile("([a-z_]+)\\s*(?:=~|!~|!=|=)\\s*\"");
    /** Labels Prometheus adds to every scraped series (policy by the gateways' PodMonitor relabeling). */
    static final Set<String> TARGET_LABELS = Set.of("namespace", "pod", "policy", "job", "instance");

    static Map<String, Set<String>> listedMetrics() throws IOException {
        Map<String, Set<String>> metrics = new TreeMap<>();
        for (String list : LISTS) {
            metrics.putAll(listedMetrics(list));
        }
        return metrics;
    }

    /** One list: a metric per line, then its labels comma-separated. */
    static Map<String, Set<String>> listedMetrics(String list) throws IOException {
        Map<String, Set<String>> metrics = new TreeMap<>();
        for (String line : Files.readAllLines(ROOT.resolve("operator/src/test/resources/monitoring").resolve(list))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] parts = line.trim().split("\\s+");
                metrics.put(parts[0], parts.length > 1 ? Set.of(parts[1].split(",")) : Set.of());
            }
        }
        return metrics;
    }

    /** Every PromQL expression of the rules and the dashboard. */
    static List<String> expressions() throws IOException {
        List<String> expressions = new java.util.ArrayList<>();
        for (Map<String, Object> group : groups()) {
            for (Map<String, Object> rule : rules(group)) {
                expressions.add(String.valueOf(rule.get("expr")));
            }
        }
        dashboard().findValues("expr").forEach(e -> expressions.add(e.asText()));
        dashboard().path("templating").path("list").findValues("definition").forEach(e -> expressions.add(e.asText()));
        return expressions;
    }

    @Test
    void rulesAndDashboardUseExactlyTheListedMetrics() throws IOException {
        Set<String> used = new TreeSet<>();
        for (String expression : expressions()) {
            Matcher matcher = METRIC.matcher(expression);
            while (matcher.find()) {
                used.add(matcher.group());
            }
        }
        assertThat(used).isEqualTo(listedMetrics().keySet());
    }

    @Test
    void rulesAndDashboardGroupAndFilterOnlyByLabelsTheMetricsHave() throws IOException {
        Set<String> known = new HashSet<>(TARGET_LABELS);
        listedMetrics().values().forEach(known::addAll);
        for (String expression : expressions()) {
            Matcher grouping = GROUPING.matcher(expression);
            while (grouping.find()) {
                for (String label : grouping.group(1).split(",")) {
                    assertThat(known).as(expression).contains(label.trim());
                }
            }
            Matcher matcher = MATCHER.matcher(expression);
            while (matcher.find()) {
                assertThat(known).as(expression).contains(matcher.group(1));
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void podMonitorsSelectTheOperatorAndTheGatewayPods() throws IOException {
        Map<String, Map<String, Object>> monitors = new TreeMap<>();
        Set<String> kinds = new TreeSet<>();
        for (Map<String, Object> object : Kustomize.render(MONITORING)) {
            kinds.add(Kustomize.kind(object) + "/" + Kustomize.name(object));
            if (Kustomize.kind(object).equals("PodMonitor")) {
                monitors.put(Kustomize.name(object), object);
            }
        }
        assertThat(kinds).containsExactlyInAnyOrder("ConfigMap/switchboard-grafana-dashboard", "PodMonitor/switchboard-gateways",
                "PodMonitor/switchboard-operator", "PrometheusRule/switchboard");

        Deployment operator = Manifests.ofType(InstallManifestsTest.readAll(ROOT.resolve("manifests/install/operator.yaml")), Deployment.class).get(0);
        Deployment gateway = Manifests.ofType(InstallManifestsTest.readAll(ROOT.resolve("operator/src/test/resources/golden/out-samples.yaml")),
                Deployment.class).get(0);
        assertSelects(monitors.get("switchboard-operator"), operator.getSpec().getTemplate());
        assertSelects(monitors.get("switchboard-gateways"), gateway.getSpec().getTemplate());
        assertThat(Kustomize.map(Kustomize.map(monitors.get("switchboard-gateways"), "spec"), "namespaceSelector").get("any"))
                .as("gateways run in the users' namespaces").isEqualTo(true);
    }

    @SuppressWarnings("unchecked")
    static void assertSelects(Map<String, Object> monitor, PodTemplateSpec pods) {
        Map<String, Object> spec = Kustomize.map(monitor, "spec");
        Map<String, Object> matchLabels = Kustomize.map(Kustomize.map(spec, "selector"), "matchLabels");
        assertThat(pods.getMetadata().getLabels()).as(Kustomize.name(monitor)).containsAllEntriesOf((Map<String, String>) (Map<?, ?>) matchLabels);
        for (Map<String, Object> endpoint : (List<Map<String, Object>>) spec.get("podMetricsEndpoints")) {
            assertThat(endpoint.get("path")).isEqualTo("/q/metrics");
            assertThat(pods.getSpec().getContainers().get(0).getPorts()).as(Kustomize.name(monitor) + " port")
                    .anyMatch(port -> port.getName().equals(endpoint.get("port")));
        }
    }

    @Test
    void everyAlertHasASeverityASummaryAndAPendingPeriodWhereNoisy() throws IOException {
        Set<String> alerts = new TreeSet<>();
        for (Map<String, Object> group : groups()) {
            for (Map<String, Object> rule : rules(group)) {
                String alert = String.valueOf(rule.get("alert"));
                alerts.add(alert);
                assertThat(Kustomize.map(rule, "labels").get("severity")).as(alert).isIn("warning", "critical");
                assertThat(Kustomize.map(rule, "annotations").get("summary")).as(alert).asString().isNotBlank();
                if (rule.get("for") != null) {
                    assertThat(String.valueOf(rule.get("for"))).as(alert).matches("[0-9]+[smh]");
                }
                // Ratios and quantiles fluctuate; only the reload counter is an event worth one sample.
                if (!alert.equals("SwitchboardRoutingReloadFailed")) {
                    assertThat(rule.get("for")).as(alert + " needs a pending period").isNotNull();
                }
            }
        }
        assertThat(alerts).contains("SwitchboardGatewayHighErrorRate", "SwitchboardModelUnavailable", "SwitchboardRoutingReloadFailed",
                "SwitchboardGatewayHighLatencyP99", "SwitchboardOperatorDown", "SwitchboardCircuitBreakerOpen", "SwitchboardModelAllBreakersOpen",
                "SwitchboardBudgetNearlySpent", "SwitchboardBudgetSpent", "SwitchboardRedisDown",
                "SwitchboardOperatorReconcileErrors");
    }

    @Test
    void dashboardPanelsAreWellFormed() throws IOException {
        JsonNode dashboard = dashboard();
        assertThat(dashboard.path("uid").asText()).isEqualTo("switchboard-gateway");
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("unique panel id " + panel.path("id")).isTrue();
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).isNotBlank();
                assertThat(target.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
            }
        }
        Set<String> variables = new TreeSet<>();
        dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
        assertThat(variables).containsExactlyInAnyOrder("datasource", "namespace", "policy");
    }

    static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(MONITORING.resolve("grafana-dashboard.json").toFile());
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> groups() throws IOException {
        Map<String, Object> rule = Manifests.SERIALIZATION.unmarshal(Files.readString(MONITORING.resolve("prometheusrule.yaml")), Map.class);
        return (List<Map<String, Object>>) Kustomize.map(rule, "spec").get("groups");
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rules(Map<String, Object> group) {
        return (List<Map<String, Object>>) group.get("rules");
    }
}
