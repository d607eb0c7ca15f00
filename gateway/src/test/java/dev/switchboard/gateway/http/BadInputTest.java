package dev.switchboard.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.testing.GatewayTestResource;
import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.TestTables;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/** Every kind of bad request gets the right status and an OpenAI error envelope, and the gateway keeps serving. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class BadInputTest {

    @TestHTTPResource("/")
    URL root;

    private URI uri(String path) {
        return URI.create(root.toString()).resolve(path);
    }

    @AfterEach
    void stillServing() {
        HttpResponse<String> ok = Http.post(uri("/v1/chat/completions"),
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"still there?\"}]}");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(ok.body()).getString("model")).isEqualTo("gpt-4o");
    }

    @Test
    void malformedJson() {
        HttpResponse<String> response = Http.post(uri("/v1/chat/completions"), "{\"model\": \"gpt-4o\", ");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.error(response).getString("type")).isEqualTo("invalid_request_error");
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    }

    @Test
    void jsonThatIsNotAnObject() {
        HttpResponse<String> response = Http.post(uri("/v1/embeddings"), "[1,2,3]");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.error(response).getString("type")).isEqualTo("invalid_request_error");
    }

    @Test
    void repeatedModelIsRefused() {
        HttpResponse<String> response = Http.post(uri("/v1/chat/completions"), "{\"model\":\"gpt-4o\",\"model\":\"upstream-gpt-4o\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.error(response).getString("message")).contains("duplicate field model");
    }

    @Test
    void missingModel() {
        HttpResponse<String> response = Http.post(uri("/v1/chat/completions"), "{\"messages\":[]}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(Http.error(response).getString("param")).isEqualTo("model");
    }

    @Test
    void unknownModel() {
        HttpResponse<String> response = Http.post(uri("/v1/completions"), "{\"model\":\"no-such-model\",\"prompt\":\"x\"}");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(Http.error(response).getString("code")).isEqualTo("model_not_found");
        assertThat(Http.get(uri("/v1/models/no-such-model")).statusCode()).isEqualTo(404);
    }

    @Test
    void bodyOverTheTableLimit() {
        String big = "{\"model\":\"gpt-4o\",\"prompt\":\"" + "x".repeat(TestTables.MAX_BODY_BYTES) + "\"}";
        HttpResponse<String> response = Http.post(uri("/v1/completions"), big);

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(Http.error(response).getString("code")).isEqualTo("request_too_large");
    }

    @Test
    void wrongMethod() {
        HttpResponse<String> response = Http.get(uri("/v1/chat/completions"));

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("allow")).hasValue("POST");
        assertThat(Http.error(response).getString("code")).isEqualTo("method_not_allowed");
        assertThat(Http.send("DELETE", uri("/v1/models/gpt-4o"), null).statusCode()).isEqualTo(405);
    }

    @Test
    void unknownPath() {
        HttpResponse<String> underV1 = Http.post(uri("/v1/chat/complete"), "{}");
        HttpResponse<String> elsewhere = Http.get(uri("/nothing/here"));

        assertThat(underV1.statusCode()).isEqualTo(404);
        assertThat(Http.error(underV1).getString("code")).isEqualTo("unknown_url");
        assertThat(elsewhere.statusCode()).isEqualTo(404);
        assertThat(Http.error(elsewhere).getString("code")).isEqualTo("unknown_url");
    }

    @Test
    void modelIdsMayContainSlashes() {
        HttpResponse<String> plain = Http.get(uri("/v1/models/org/model-x"));
        HttpResponse<String> encoded = Http.get(uri("/v1/models/org%2Fmodel-x"));

        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(plain.body()).getString("id")).isEqualTo("org/model-x");
        assertThat(encoded.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(encoded.body()).getString("id")).isEqualTo("org/model-x");
    }

    @Test
    void requestIdIsPropagatedOrGenerated() {
        HttpResponse<String> given = Http.post(uri("/v1/chat/completions"),
                "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"id\"}]}", "x-request-id", "trace-123");
        HttpResponse<String> minted = Http.post(uri("/v1/chat/completions"), "{\"model\":\"nope\"}");

        assertThat(given.headers().firstValue("x-request-id")).hasValue("trace-123");
        assertThat(minted.headers().firstValue("x-request-id")).hasValueSatisfying(id -> assertThat(id).hasSize(36));
    }
}
