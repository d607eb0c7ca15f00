package dev.switchboard.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import dev.switchboard.gateway.testing.GatewayTestResource;
import dev.switchboard.gateway.testing.Http;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** How upstream trouble reaches the client: typed errors, never a hang and never a silently cut stream. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class UpstreamFailureTest {

    @TestHTTPResource("/")
    URL root;

    private URI uri(String path) {
        return URI.create(root.toString()).resolve(path);
    }

    OpenAIClient client;

    @BeforeEach
    void connect() {
        client = OpenAIOkHttpClient.builder().baseUrl(uri("/v1").toString()).apiKey("k").maxRetries(0).build();
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    private static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    @Test
    void rateLimitIsPassedThroughWithRetryAfter() {
        HttpResponse<String> response = Http.post(uri("/v1/chat/completions"), chat("rate-limited", false));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).hasValue("7");
        assertThat(Http.error(response).getString("code")).isEqualTo("rate_limit_exceeded");
        assertThatThrownBy(() -> client.chat().completions().create(
                ChatCompletionCreateParams.builder().model("rate-limited").addUserMessage("x").build()))
                .isInstanceOf(RateLimitException.class);
    }

    @Test
    void simulatedProviderInjectsConfiguredFailures() {
        HttpResponse<String> response = Http.post(uri("/v1/chat/completions"), chat("flaky", false));

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).hasValue("1");
        assertThat(Http.error(response).getString("code")).isEqualTo("simulated_failure");
        assertThat(Http.post(uri("/v1/chat/completions"), chat("flaky", true)).statusCode()).isEqualTo(429);
    }

    @Test
    void upstreamServerErrorKeepsItsEnvelope() {
        HttpResponse<String> response = Http.post(uri("/v1/chat/completions"), chat("fail-500", false));

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(Http.error(response).getString("message")).isEqualTo("The upstream is on fire.");
    }

    @Test
    void aRejectedProviderKeyIsTheGatewaysProblemNotTheClients() {
        HttpResponse<String> response = Http.post(uri("/v1/chat/completions"), chat("bad-key", false));

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(Http.error(response).getString("code")).isEqualTo("upstream_auth_failed");
        assertThat(response.body()).doesNotContain("sk-");
    }

    @Test
    void streamRequestThatFailsUpFrontGetsAJsonError() {
        HttpResponse<String> response = Http.post(uri("/v1/chat/completions"), chat("fail-500", true));

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(Http.error(response).getString("code")).isEqualTo("server_error");
    }

    @Test
    void unreachableUpstreamIs502() {
        HttpResponse<String> response = Http.post(uri("/v1/chat/completions"), chat("unreachable", false));

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(Http.error(response).getString("code")).isEqualTo("upstream_connect");
        assertThat(response.body()).doesNotContain("127.0.0.1");
    }

    @Test
    void slowFirstByteIs504() {
        HttpResponse<String> response = Http.post(uri("/v1/chat/completions"), chat("slow", false));

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(Http.error(response).getString("code")).isEqualTo("upstream_timeout");
    }

    @Test
    void brokenStreamEndsWithAnErrorEvent() {
        HttpResponse<String> response = Http.post(uri("/v1/chat/completions"), chat("broken-stream", true));

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = List.of(response.body().split("\n\n"));
        assertThat(events.get(0)).contains("\"model\":\"broken-stream\"").contains("partial");
        assertThat(events.get(events.size() - 1)).startsWith("data: {\"error\"").contains("stream_interrupted");
        assertThat(response.body()).doesNotContain("[DONE]");

        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                        ChatCompletionCreateParams.builder().model("broken-stream").addUserMessage("x").build())) {
            assertThatThrownBy(() -> stream.stream().toList()).isInstanceOf(OpenAIServiceException.class);
        }
    }

    @Test
    void aStreamOverItsTotalTimeoutEndsWithAnErrorEventAndFreesTheUpstream() throws Exception {
        int cancelledBefore = GatewayTestResource.simulator().cancelledStreams();
        HttpResponse<String> response = Http.post(uri("/v1/chat/completions"), chat("endless-short", true));

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = List.of(response.body().split("\n\n"));
        assertThat(events.get(0)).contains("tick");
        assertThat(events.get(events.size() - 1)).startsWith("data: {\"error\"").contains("stream_interrupted");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (GatewayTestResource.simulator().cancelledStreams() == cancelledBefore && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(GatewayTestResource.simulator().cancelledStreams()).isGreaterThan(cancelledBefore);
    }

    @Test
    void clientDisconnectCancelsTheUpstream() throws Exception {
        int cancelledBefore = GatewayTestResource.simulator().cancelledStreams();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(uri("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(chat("endless-stream", true))).build();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        // Closing the body mid-stream drops the connection: the gateway sees its client go away.
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            assertThat(reader.readLine()).startsWith("data: ").contains("tick");
        }

        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (GatewayTestResource.simulator().cancelledStreams() == cancelledBefore && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(GatewayTestResource.simulator().cancelledStreams()).isGreaterThan(cancelledBefore);
    }
}
