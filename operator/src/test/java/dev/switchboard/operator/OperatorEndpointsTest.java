package dev.switchboard.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import dev.switchboard.operator.testing.GatewayStub;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

/** The operator's own health and metrics endpoints, as a Deployment's probes and Prometheus see them. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@QuarkusTestResource(value = GatewayStub.class, restrictToAnnotatedClass = true)
class OperatorEndpointsTest {

    @TestHTTPResource("/q/health/ready")
    URL ready;

    @TestHTTPResource("/q/health/live")
    URL live;

    @TestHTTPResource("/q/metrics")
    URL metrics;

    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> get(URL url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url.toString())).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthReportsTheControllersAndMetricsAreExposed() throws Exception {
        HttpResponse<String> readiness = get(ready);
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).contains("\"status\": \"UP\"", "routingpolicy", "provider", "modelgroup");
        assertThat(get(live).statusCode()).isEqualTo(200);

        HttpResponse<String> scrape = get(metrics);
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).contains("operator_sdk_");
    }
}
