package dev.switchboard.gateway.telemetry.genai;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.TracingTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The GenAI semantic-convention metrics on /q/metrics, beside the switchboard ones, after a stream that failed over once. */
@QuarkusTest
@QuarkusTestResource(value = TracingTestResource.class, restrictToAnnotatedClass = true)
class GenAiMetricsTest {

    @TestHTTPResource("/v1")
    URL v1;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Test
    void aFailedOverStreamIsMeasuredUnderTheConventionsNames() throws InterruptedException {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(v1.toString()).apiKey("client-key").maxRetries(0).build();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("traced").addUserMessage("hello").build())) {
            assertThat(stream.stream().count()).isPositive();
        } finally {
            client.close();
        }
        // The served attempt is measured when its upstream stream ends, which may come just after the client has its [DONE].
        List<String> lines = scrape();
        for (int i = 0; i < 200 && series(lines, "gen_ai_client_operation_duration_seconds_count{", "gen_ai_request_model=\"cached~traced\"").isEmpty(); i++) {
            Thread.sleep(50);
            lines = scrape();
        }

        assertThat(series(lines, "gen_ai_client_token_usage_count{", "gen_ai_token_type=\"input\"", "gen_ai_request_model=\"traced\"",
                "gen_ai_response_model=\"cached~traced\"", "gen_ai_provider_name=\"openai\"", "gen_ai_operation_name=\"chat\"")).isNotEmpty();
        assertThat(series(lines, "gen_ai_client_token_usage_bucket{", "gen_ai_token_type=\"output\"", "gen_ai_request_model=\"traced\"",
                "le=\"16.0\"")).as("the convention's bucket boundaries").isNotEmpty();
        assertThat(series(lines, "gen_ai_client_operation_duration_seconds_count{", "gen_ai_request_model=\"fail-500~traced\"",
                "error_type=\"server_error\"")).as("the failed attempt").isNotEmpty();
        assertThat(series(lines, "gen_ai_client_operation_duration_seconds_count{", "gen_ai_request_model=\"cached~traced\""))
                .as("the attempt that served, among " + series(lines, "gen_ai_client_operation_duration_seconds_count{"))
                .singleElement().asString().contains("error_type=\"\"");
        assertThat(series(lines, "gen_ai_server_request_duration_seconds_count{", "gen_ai_request_model=\"traced\"")).isNotEmpty();
        assertThat(series(lines, "gen_ai_server_time_to_first_token_seconds_count{", "gen_ai_request_model=\"traced\"")).isNotEmpty();
        assertThat(series(lines, "gen_ai_server_time_per_output_token_seconds_count{", "gen_ai_request_model=\"traced\"")).isNotEmpty();
        assertThat(series(lines, "switchboard_requests_total{", "model=\"traced\"")).as("the switchboard metrics stay").isNotEmpty();
    }

    private List<String> scrape() {
        return Http.get(URI.create(management.toString()).resolve("/q/metrics")).body().lines().toList();
    }

    private static List<String> series(List<String> lines, String name, String... labels) {
        return lines.stream().filter(line -> line.startsWith(name)).filter(line -> List.of(labels).stream().allMatch(line::contains)).toList();
    }
}
