package dev.switchboard.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.testing.GatewayTestResource;
import dev.switchboard.gateway.testing.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * Metrics (client and team names, costs), the targets view (key fingerprints), health (the Redis endpoint), the
 * config hash and the admin API are served on the management port only: the port every client workload reaches
 * answers them like any path it does not serve.
 */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class ManagementPortTest {

    private static final List<String> MANAGEMENT_PATHS = List.of("/q/metrics", "/q/health", "/q/health/ready", "/q/health/live",
            "/q/switchboard/targets", "/q/switchboard/config", "/admin/v1/table", "/admin/v1/usage");

    @TestHTTPResource("/")
    URL api;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void theClientPortDoesNotServeThem() {
        for (String path : MANAGEMENT_PATHS) {
            HttpResponse<String> response = Http.get(URI.create(api.toString()).resolve(path));

            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(Http.error(response).getString("code")).as(path).isEqualTo("unknown_url");
        }
    }

    @Test
    void theManagementPortDoes() {
        assertThat(URI.create(management.toString()).getPort()).isNotEqualTo(URI.create(api.toString()).getPort());
        assertThat(get("/q/metrics").body()).contains("switchboard_config_info");
        assertThat(get("/q/health/ready").statusCode()).isEqualTo(200);
        assertThat(get("/q/health/live").statusCode()).isEqualTo(200);
        assertThat(new JsonObject(get("/q/switchboard/targets").body()).getJsonArray("targets")).isNotNull();
        assertThat(new JsonObject(get("/q/switchboard/config").body()).getString("hash")).hasSize(64);
        // This policy names no admin key: the admin API is there, and says it is disabled.
        HttpResponse<String> admin = get("/admin/v1/table");
        assertThat(admin.statusCode()).isEqualTo(404);
        assertThat(Http.error(admin).getString("code")).isEqualTo("admin_disabled");
    }

    private HttpResponse<String> get(String path) {
        return Http.get(URI.create(management.toString()).resolve(path));
    }
}
