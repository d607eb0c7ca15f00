package dev.switchboard.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.MonitoringTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The monitoring manifests (manifests/monitoring: alerts and the Grafana dashboard) rely on the gateway
 * metrics listed in operator/src/test/resources/monitoring/gateway-metrics.txt, where the operator's
 * MonitoringManifestsTest checks that they use nothing else. Here the gateway must export each of them,
 * with every label listed, on /q/metrics, on a table with what they watch switched on ({@link MonitoringTestResource}).
 */
@QuarkusTest
@QuarkusTestResource(value = MonitoringTestResource.class, restrictToAnnotatedClass = true)
class MonitoringMetricsTest {

    static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? \\S+");
    static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");

    @TestHTTPResource("/")
    URL root;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void everyMetricTheMonitoringUsesIsExportedWithItsLabels() throws IOException {
        // A plain and a streamed completion (requests, latency, first token, tokens, attempts, cost, budget), an
        // upstream 500 (upstream errors), a model whose target fails over to its fallback, and a client over its
        // one request a minute; the table loaded at start counted a reload, set the config info and registered the
        // breaker, key and Redis gauges.
        URI chat = URI.create(root.toString()).resolve("/v1/chat/completions");
        String budgeted = "Bearer " + MonitoringTestResource.BUDGETED_KEY;
        assertThat(Http.post(chat, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"m\"}]}",
                "authorization", budgeted).statusCode()).isEqualTo(200);
        assertThat(Http.post(chat, "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"m\"}]}",
                "authorization", budgeted).statusCode()).isEqualTo(200);
        assertThat(Http.post(chat, "{\"model\":\"fail-500\",\"messages\":[{\"role\":\"user\",\"content\":\"m\"}]}",
                "authorization", budgeted).statusCode()).isGreaterThanOrEqualTo(500);
        assertThat(Http.post(chat, "{\"model\":\"fail-then-gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"m\"}]}",
                "authorization", budgeted).statusCode()).isEqualTo(200);
        // Three at once inside at most two minute windows: one of them is over the limit.
        List<Integer> limited = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            limited.add(Http.post(chat, "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"m\"}]}",
                    "authorization", "Bearer " + MonitoringTestResource.LIMITED_KEY).statusCode());
        }
        assertThat(limited).contains(429);

        String metrics = Http.get(URI.create(management.toString()).resolve("/q/metrics")).body();
        assertThat(metrics).doesNotContain(MonitoringTestResource.BUDGETED_KEY, MonitoringTestResource.LIMITED_KEY);
        Map<String, Set<String>> exported = labelsByMetric(metrics);

        Map<String, Set<String>> relied = reliedOn();
        assertThat(relied).isNotEmpty();
        relied.forEach((metric, labels) -> {
            assertThat(exported).as("exported metrics").containsKey(metric);
            assertThat(exported.get(metric)).as(metric + " labels").containsAll(labels);
        });
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

    static Map<String, Set<String>> reliedOn() throws IOException {
        Path list = Path.of(System.getProperty("switchboard.repo.root", ".."))
                .resolve("operator/src/test/resources/monitoring/gateway-metrics.txt");
        Map<String, Set<String>> metrics = new HashMap<>();
        for (String line : Files.readAllLines(list)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] parts = line.trim().split("\\s+");
                metrics.put(parts[0], parts.length > 1 ? Set.of(parts[1].split(",")) : Set.of());
            }
        }
        return metrics;
    }
}
