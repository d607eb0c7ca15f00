package dev.switchboard.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.table.RoutingState;
import dev.switchboard.gateway.testing.GatewayTestResource;
import dev.switchboard.gateway.testing.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;

/** Health, the config endpoint and the Prometheus metrics, as an operator and an SRE would read them. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class TelemetryTest {

    @TestHTTPResource("/")
    URL root;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Inject
    RoutingState state;

    private URI uri(String path) {
        return URI.create(root.toString()).resolve(path);
    }

    /** Health, metrics, /q/switchboard/* and /admin/v1/* are served on the management port. */
    private URI managementUri(String path) {
        return URI.create(management.toString()).resolve(path);
    }

    @Test
    void everyRequestGetsOneJsonAccessLineWithoutPromptOrKeys() throws Exception {
        List<String> lines = captureAccessLines(() -> Http.post(uri("/v1/chat/completions"),
                "{\"model\":\"gpt-4o-latest\",\"messages\":[{\"role\":\"user\",\"content\":\"top secret prompt\"}]}",
                "x-request-id", "access-log-test", "authorization", "Bearer sk-client-secret"), "access-log-test");

        List<JsonObject> mine = lines.stream().map(JsonObject::new)
                .filter(line -> "access-log-test".equals(line.getString("requestId"))).toList();
        assertThat(mine).hasSize(1);
        JsonObject line = mine.get(0);
        assertThat(line.getString("model")).isEqualTo("gpt-4o");
        assertThat(line.getString("provider")).isEqualTo("sim-openai");
        assertThat(line.getString("upstreamModel")).isEqualTo("upstream-gpt-4o");
        assertThat(line.getInteger("status")).isEqualTo(200);
        assertThat(line.getInteger("promptTokens")).isEqualTo(5);
        assertThat(line.getInteger("completionTokens")).isEqualTo(7);
        assertThat(line.getString("client")).isEqualTo("127.0.0.1");
        assertThat(line.getDouble("durationMs")).isNotNull();
        assertThat(line.encode()).doesNotContain("top secret").doesNotContain("sk-client-secret").doesNotContain("sk-test");
    }

    /**
     * java.net.http clients ask to upgrade cleartext HTTP/1.1 to HTTP/2 (h2c) on their first request. The
     * upgrade must not look like a client that went away: the upstream call goes on, and the request is
     * delivered, logged and counted as 200.
     */
    @Test
    void aClientUpgradingToHttp2IsServedAndLoggedAsDelivered() throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        List<String> lines = captureAccessLines(() -> {
            var response = client.send(java.net.http.HttpRequest.newBuilder(uri("/v1/chat/completions"))
                    .header("content-type", "application/json")
                    .header("x-request-id", "h2c-upgrade-test")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("chat.completion");
        }, "h2c-upgrade-test");

        JsonObject line = lines.stream().map(JsonObject::new)
                .filter(l -> "h2c-upgrade-test".equals(l.getString("requestId"))).findFirst().orElseThrow();
        assertThat(line.getInteger("status")).isEqualTo(200);
        assertThat(line.getInteger("completionTokens")).isEqualTo(7);
    }

    interface Exchange {
        void run() throws Exception;
    }

    /**
     * Runs the exchange and returns the access lines logged until the one for the request id appeared: the line
     * is written just after the response is sent, so it may trail the client a little.
     */
    private static List<String> captureAccessLines(Exchange exchange, String requestId) throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger access = Logger.getLogger("switchboard.access");
        access.addHandler(capture);
        try {
            exchange.run();
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
            while (lines.stream().noneMatch(l -> l.contains(requestId)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            access.removeHandler(capture);
        }
        return lines;
    }

    @Test
    void readinessCarriesTheLoadedHash() {
        HttpResponse<String> ready = Http.get(managementUri("/q/health/ready"));

        assertThat(ready.statusCode()).isEqualTo(200);
        JsonArray checks = new JsonObject(ready.body()).getJsonArray("checks");
        JsonObject table = checks.stream().map(JsonObject.class::cast).filter(c -> c.getString("name").equals("routing-table"))
                .findFirst().orElseThrow();
        assertThat(table.getJsonObject("data").getString("hash")).isEqualTo(state.current().hash());
        assertThat(Http.get(managementUri("/q/health/live")).statusCode()).isEqualTo(200);
    }

    @Test
    void configEndpointNamesTheTableWithoutSecrets() {
        HttpResponse<String> config = Http.get(managementUri("/q/switchboard/config"));

        assertThat(config.statusCode()).isEqualTo(200);
        JsonObject body = new JsonObject(config.body());
        assertThat(body.getString("hash")).isEqualTo(state.current().hash()).hasSize(64);
        assertThat(body.getString("loadedAt")).isEqualTo(state.current().loadedAt().toString());
        assertThat(config.body()).doesNotContain("sk-test");
    }

    @Test
    void prometheusShowsRequestsLatencyTokensErrorsReloadsAndTheConfigHash() {
        Http.post(uri("/v1/chat/completions"), "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"m\"}]}");
        Http.post(uri("/v1/chat/completions"),
                "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"m\"}]}");
        Http.post(uri("/v1/chat/completions"), "{\"model\":\"fail-500\",\"messages\":[]}");

        String metrics = Http.get(managementUri("/q/metrics")).body();

        assertThat(metrics).containsPattern(
                "switchboard_requests_total\\{[^}]*model=\"gpt-4o\"[^}]*provider=\"sim-openai\"[^}]*status=\"200\"[^}]*} [1-9]");
        assertThat(metrics).contains("switchboard_request_duration_seconds_bucket{");
        assertThat(metrics).contains("switchboard_time_to_first_token_seconds_bucket{");
        assertThat(metrics).containsPattern("switchboard_tokens_total\\{direction=\"input\",model=\"gpt-4o\"");
        assertThat(metrics).containsPattern("switchboard_tokens_total\\{direction=\"output\",model=\"gpt-4o\"");
        assertThat(metrics).containsPattern("switchboard_upstream_errors_total\\{kind=\"http_5xx\",provider=\"sim-openai\"} [1-9]");
        // The table was loaded at start; its count is not asserted here: in the test JVM the registry outlives each
        // Quarkus app, and an app that starts after another may count its first load before its Prometheus registry
        // is attached. HotReloadTest counts reloads on a table it swaps itself.
        assertThat(metrics).contains("switchboard_reloads_total{result=\"success\"}");
        assertThat(metrics).contains("switchboard_config_info{hash=\"" + state.current().hash() + "\"} 1.0");
        assertThat(metrics).doesNotContain("sk-test");
    }
}
