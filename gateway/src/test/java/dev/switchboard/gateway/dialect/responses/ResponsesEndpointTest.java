package dev.switchboard.gateway.dialect.responses;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.testing.GoldenFiles;
import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.ResponsesTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** /v1/responses on the wire: metering of both paths, a stream that breaks, OpenAI's errors for bad requests. */
@QuarkusTest
@QuarkusTestResource(value = ResponsesTestResource.class, restrictToAnnotatedClass = true)
class ResponsesEndpointTest {

    private static final String[] KEY = { "authorization", "Bearer " + ResponsesTestResource.CLIENT_KEY };

    @TestHTTPResource("/v1/responses")
    URL responses;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    private HttpResponse<String> post(String body) throws Exception {
        return Http.post(responses.toURI(), body, KEY);
    }

    private static String request(String model, boolean stream) {
        return new JsonObject().put("model", model).put("input", "count my tokens").put("stream", stream).encode();
    }

    private double tokens(String direction, String model, String provider) {
        String metrics = Http.get(URI.create(management.toString()).resolve("/q/metrics")).body();
        Matcher value = Pattern.compile("switchboard_tokens_total\\{direction=\"" + direction + "\",model=\"" + model + "\",provider=\""
                + provider + "\"} ([0-9.E]+)").matcher(metrics);
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }

    /**
     * The counter once it grew by {@code by} (or after ten seconds): a request's books close just after its last byte
     * left, so a client can read the metrics a moment before they count it.
     */
    private double tokensGrown(String direction, String model, String provider, double from, double by) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        double value = tokens(direction, model, provider);
        while (value - from < by && System.nanoTime() < deadline) {
            Thread.sleep(50);
            value = tokens(direction, model, provider);
        }
        return value - from;
    }

    private static JsonArray events(String sse) {
        return new JsonArray(GoldenFiles.renderEvents(Buffer.buffer(sse)));
    }

    /** The simulator reports 5 input tokens (4 of them cached for this model) and 7 output tokens per answer. */
    @Test
    void usageOfAnUntranslatedAnswerIsMeteredWholeAndStreamed() throws Exception {
        double input = tokens("input", "resp-openai-cached", "openai");
        double output = tokens("output", "resp-openai-cached", "openai");

        HttpResponse<String> whole = post(request("resp-openai-cached", false));
        HttpResponse<String> streamed = post(request("resp-openai-cached", true));

        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(whole.body()).getString("model")).isEqualTo("resp-openai-cached");
        assertThat(streamed.statusCode()).isEqualTo(200);
        JsonArray events = events(streamed.body());
        JsonObject completed = events.getJsonObject(events.size() - 1).getJsonObject("data");
        assertThat(completed.getString("type")).isEqualTo("response.completed");
        assertThat(completed.getJsonObject("response").getString("model")).isEqualTo("resp-openai-cached");
        assertThat(tokensGrown("input", "resp-openai-cached", "openai", input, 10)).isEqualTo(10);
        assertThat(tokensGrown("output", "resp-openai-cached", "openai", output, 14)).isEqualTo(14);
        String metrics = Http.get(URI.create(management.toString()).resolve("/q/metrics")).body();
        assertThat(metrics).containsPattern("switchboard_requests_total\\{endpoint=\"responses\",model=\"resp-openai-cached\",provider=\"openai\",status=\"200\"} [1-9]");
    }

    @Test
    void usageOfATranslatedAnswerIsMeteredWholeAndStreamed() throws Exception {
        double output = tokens("output", "resp-anthropic", "anthropic");

        HttpResponse<String> whole = post(request("resp-anthropic", false));
        HttpResponse<String> streamed = post(request("resp-anthropic", true));

        JsonObject usage = new JsonObject(whole.body()).getJsonObject("usage");
        JsonArray events = events(streamed.body());
        JsonObject streamedUsage = events.getJsonObject(events.size() - 1).getJsonObject("data").getJsonObject("response").getJsonObject("usage");
        assertThat(usage.getInteger("output_tokens")).isPositive();
        assertThat(streamedUsage.getInteger("output_tokens")).isPositive();
        int expected = usage.getInteger("output_tokens") + streamedUsage.getInteger("output_tokens");
        assertThat(tokensGrown("output", "resp-anthropic", "anthropic", output, expected)).isEqualTo(expected);
    }

    /** Events are numbered from 0 without gaps, and a stream that breaks ends with `error` and `response.failed`. */
    @Test
    void aStreamThatBreaksEndsWithAnErrorAndAFailedResponse() throws Exception {
        HttpResponse<String> response = post(request("resp-anthropic-break", true));

        JsonArray events = events(response.body());
        List<String> types = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            JsonObject data = events.getJsonObject(i).getJsonObject("data");
            assertThat(data.getInteger("sequence_number")).isEqualTo(i);
            types.add(data.getString("type"));
        }
        assertThat(types).startsWith("response.created", "response.in_progress").endsWith("error", "response.failed");
        assertThat(types).contains("response.output_text.delta");
        JsonObject failed = events.getJsonObject(events.size() - 1).getJsonObject("data").getJsonObject("response");
        assertThat(failed.getString("status")).isEqualTo("failed");
        assertThat(failed.getJsonObject("error").getString("message")).contains("anthropic");
    }

    @Test
    void badRequestsGetOpenAiErrors() throws Exception {
        JsonObject notJson = Http.error(post("{\"model\":"));
        assertThat(notJson.getString("type")).isEqualTo("invalid_request_error");

        HttpResponse<String> unknown = post(new JsonObject().put("model", "resp-gemini").put("input", "hi").put("temperatur", 1).encode());
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(Http.error(unknown).getString("param")).isEqualTo("temperatur");

        HttpResponse<String> background = post(new JsonObject().put("model", "resp-ollama").put("input", "hi").put("background", true).encode());
        assertThat(background.statusCode()).isEqualTo(400);
        assertThat(Http.error(background).getString("param")).isEqualTo("background");
        assertThat(Http.error(background).getString("code")).isEqualTo("unsupported_feature");

        HttpResponse<String> get = Http.send("GET", responses.toURI(), null, KEY);
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("allow")).hasValue("POST");
    }
}
