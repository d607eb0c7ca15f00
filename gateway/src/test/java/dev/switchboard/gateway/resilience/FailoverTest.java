package dev.switchboard.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.OpenAiStream;
import dev.switchboard.gateway.testing.ResilienceTestResource;
import dev.switchboard.routing.ModelRoute;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Fault injection through the real HTTP path: each failure the simulator can produce, first with a healthy target
 * to fail over to (the request succeeds), then alone (the request ends in the right error within the deadline).
 * After every test no request may still be open at the simulator and no attempt in flight in the gateway.
 */
@QuarkusTest
@QuarkusTestResource(value = ResilienceTestResource.class, restrictToAnnotatedClass = true)
class FailoverTest {

    @TestHTTPResource("/")
    URL root;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    private URI uri(String path) {
        return URI.create(root.toString()).resolve(path);
    }

    /** Health, metrics, /q/switchboard/* and /admin/v1/* are served on the management port. */
    private URI managementUri(String path) {
        return URI.create(management.toString()).resolve(path);
    }

    static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";
    }

    private HttpResponse<String> post(String model, boolean stream, String... headers) {
        return Http.post(uri("/v1/chat/completions"), chat(model, stream), headers);
    }

    @AfterEach
    void nothingLeftHanging() throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < until && (ResilienceTestResource.simulator().openRequests() > 0 || inFlight() > 0)) {
            Thread.sleep(20);
        }
        assertThat(ResilienceTestResource.simulator().openRequests()).as("requests still open at the simulator").isZero();
        assertThat(inFlight()).as("attempts the gateway still counts in flight").isZero();
    }

    private int inFlight() {
        JsonArray targets = targets().getJsonArray("targets");
        int sum = 0;
        for (int i = 0; i < targets.size(); i++) {
            sum += targets.getJsonObject(i).getInteger("inFlight");
        }
        return sum;
    }

    private JsonObject targets() {
        return new JsonObject(Http.get(managementUri("/q/switchboard/targets")).body());
    }

    @ParameterizedTest
    @ValueSource(strings = { "fo-429", "fo-429-bare", "fo-500", "fo-503", "fo-refused", "fo-reset", "fo-stall", "fo-malformed" })
    void aFailingTargetFailsOverToTheHealthyOne(String model) {
        HttpResponse<String> response = post(model, false);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-switchboard-provider")).hasValue("good");
        assertThat(Integer.parseInt(response.headers().firstValue("x-switchboard-attempts").orElseThrow())).isGreaterThanOrEqualTo(2);
        assertThat(response.headers().firstValue("x-switchboard-fallback")).isEmpty();
        JsonObject body = new JsonObject(response.body());
        assertThat(body.getString("model")).isEqualTo(model);
        assertThat(body.getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content")).isEqualTo("echo: hi there");
    }

    @ParameterizedTest
    @ValueSource(strings = { "fo-500", "fo-refused", "fo-stall", "fo-empty-stream", "fo-keepalive-error", "fo-keepalive-stall" })
    void aStreamFailsOverWhileNothingReachedTheClient(String model) {
        HttpResponse<String> response = post(model, true);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-switchboard-provider")).hasValue("good");
        assertThat(response.body()).contains("echo:").endsWith("data: [DONE]\n\n").doesNotContain("\"error\"");
    }

    /** Keep-alives are no content: a stream whose provider then reports an error is a failure the client never sees. */
    @Test
    void anErrorEventBeforeAnyContentReachesTheClientAsItCameWhenNothingElseServes() {
        HttpResponse<String> response = post("only-keepalive-error", true);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-switchboard-attempts")).as("tried again in the retry round").hasValue("2");
        OpenAiStream stream = OpenAiStream.parse(response.body().replace(": keep-alive\n\n", ""));
        assertThat(stream.chunks).isEmpty();
        assertThat(stream.done).isFalse();
        assertThat(stream.error.getString("type")).isEqualTo("server_error");
        assertThat(Http.get(managementUri("/q/metrics")).body()).contains(
                "switchboard_upstream_attempts_total{model=\"only-keepalive-error\",outcome=\"server_error\",provider=\"alone-fo-keepalive-error\"} 2.0");
    }

    /** timeouts.firstByte beyond the deadline: the stalled primary may take half of it, the second target the rest. */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void aStalledPrimaryLeavesTheNextTargetTimeWhenItsFirstByteWaitExceedsTheDeadline(boolean stream) {
        HttpResponse<String> response = post("budget", stream);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-switchboard-provider")).hasValue("good");
        assertThat(response.headers().firstValue("x-switchboard-attempts")).hasValue("2");
        assertThat(response.headers().firstValue("x-switchboard-fallback")).isEmpty();
        assertThat(response.body()).contains("echo:");
    }

    @Test
    void theRequestsDeadlineIsNoFailureOfAHealthyTarget() {
        HttpResponse<String> stream = post("long-stream", true);
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.body()).contains("drip 1").contains("stream_interrupted").doesNotContain("[DONE]");
        HttpResponse<String> json = post("long-json", false);
        assertThat(json.statusCode()).isEqualTo(504);

        for (String upstreamModel : List.of("drip-4000~long-stream", "slow-4000~long-json")) {
            assertThat(target(upstreamModel).getInteger("consecutiveFailures")).as(upstreamModel).isZero();
        }
        assertThat(Http.get(managementUri("/q/metrics")).body()).contains(
                "switchboard_upstream_attempts_total{model=\"long-json\",outcome=\"timeout\",provider=\"patient\"} 1.0");
    }

    @Test
    void aStreamCutShortAfterItsContentBeganIsAFailureOfItsTarget() {
        int before = target("truncated-stream").getInteger("consecutiveFailures");

        HttpResponse<String> response = post("truncated-stream", true);

        assertThat(response.body()).contains("partial").contains("stream_interrupted");
        assertThat(target("truncated-stream").getInteger("consecutiveFailures")).isEqualTo(before + 1);
        assertThat(Http.get(managementUri("/q/metrics")).body())
                .contains("switchboard_upstream_attempts_total{model=\"truncated-stream\",outcome=\"broken\",provider=\"streams\"}")
                .doesNotContain("switchboard_upstream_attempts_total{model=\"truncated-stream\",outcome=\"success\"");
    }

    @Test
    void lowestLatencyLearnsNothingFromAnswersThatFailed() {
        for (int i = 0; i < 5 && received("fail-500~latency-errors") == 0; i++) {
            assertThat(post("latency-errors", false).statusCode()).isEqualTo(200);
        }
        assertThat(received("fail-500~latency-errors")).as("the failing target was tried").isPositive();

        assertThat(target("fail-500~latency-errors").containsKey("latencyMs")).as("a fast 500 is no latency sample").isFalse();
        assertThat(target("slow-100~latency-errors").getDouble("latencyMs")).isGreaterThanOrEqualTo(100.0);
    }

    private JsonObject target(String upstreamModel) {
        return targets().getJsonArray("targets").stream().map(JsonObject.class::cast)
                .filter(t -> t.getString("upstreamModel").equals(upstreamModel)).findFirst().orElseThrow();
    }

    @Test
    void theOfficialSdkSeesFailoverAsAPlainSuccess() {
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(uri("/v1").toString()).apiKey("k").maxRetries(0).build();
        try {
            ChatCompletion completion = client.chat().completions().create(
                    ChatCompletionCreateParams.builder().model("fo-503").addUserMessage("sdk").build());
            assertThat(completion.choices().get(0).message().content()).hasValue("echo: sdk");
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                    ChatCompletionCreateParams.builder().model("fo-reset").addUserMessage("sdk stream").build())) {
                assertThat(stream.stream().flatMap(c -> c.choices().stream()).map(c -> c.delta().content().orElse("")).toList())
                        .contains("echo:");
            }
        } finally {
            client.close();
        }
    }

    @Test
    void rateLimitAloneIsPassedOnWithItsRetryAfter() {
        HttpResponse<String> response = post("only-429", false);

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).hasValue("7");
        // Both keys were tried; each now cools down for the upstream's 7 s, so the next request is refused at once.
        assertThat(response.headers().firstValue("x-switchboard-attempts")).hasValue("2");
        HttpResponse<String> again = post("only-429", false);
        assertThat(again.statusCode()).isEqualTo(429);
        assertThat(Http.error(again).getString("code")).isEqualTo("upstream_rate_limited");
        assertThat(Long.parseLong(again.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 7L);
    }

    @Test
    void rateLimitWithoutRetryAfterIsRetriedAfterTheKeyCooldown() {
        HttpResponse<String> response = post("only-429-bare", false);

        assertThat(response.statusCode()).isEqualTo(429);
        // Two keys in the first round; in the retry round, after the cooldown, the keys that cooled down by then.
        assertThat(Integer.parseInt(response.headers().firstValue("x-switchboard-attempts").orElseThrow())).isBetween(3, 4);
        assertThat(Http.error(response).getString("code")).isEqualTo("rate_limit_exceeded");
    }

    @Test
    void serverErrorsAloneEndInTheUpstreamsErrorAfterTheRetry() {
        for (String model : List.of("only-500", "only-503")) {
            HttpResponse<String> response = post(model, false);
            assertThat(response.statusCode()).isEqualTo(model.equals("only-500") ? 500 : 503);
            assertThat(response.headers().firstValue("x-switchboard-attempts")).hasValue("2");
            assertThat(Http.error(response).getString("code")).isIn("server_error", "overloaded");
        }
    }

    @Test
    void transportFailuresAloneEndInTypedGatewayErrors() {
        assertThat(Http.error(expect(post("only-refused", false), 502)).getString("code")).isEqualTo("upstream_connect");
        assertThat(Http.error(expect(post("only-reset", false), 502)).getString("code")).isIn("upstream_connect", "upstream_broken");
        assertThat(Http.error(expect(post("only-stall", false), 504)).getString("code")).isEqualTo("upstream_timeout");
        assertThat(Http.error(expect(post("only-malformed", false), 502)).getString("code")).isEqualTo("upstream_invalid_response");
        assertThat(Http.error(expect(post("only-empty-stream", true), 502)).getString("code")).isEqualTo("upstream_broken");
    }

    private static HttpResponse<String> expect(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return response;
    }

    @Test
    void theDeadlineEndsARequestNoTargetAnswers() {
        HttpResponse<String> response = post("deadline", false);

        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(Http.error(response).getString("code")).isIn("upstream_timeout", "deadline_exceeded");
    }

    @Test
    void aStreamThatStallsAfterItsFirstByteEndsWithAnErrorEvent() {
        HttpResponse<String> response = post("stall-stream", true);

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = List.of(response.body().split("\n\n"));
        assertThat(events.get(0)).contains("partial");
        assertThat(events.get(events.size() - 1)).startsWith("data: {\"error\"").contains("stream_interrupted");
    }

    @Test
    void aTruncatedStreamEndsWithAnErrorEvent() {
        HttpResponse<String> response = post("truncated-stream", true);

        assertThat(response.statusCode()).isEqualTo(200);
        List<String> events = List.of(response.body().split("\n\n"));
        assertThat(events.get(0)).contains("partial");
        assertThat(events.get(events.size() - 1)).startsWith("data: {\"error\"").contains("stream_interrupted");
        assertThat(response.body()).doesNotContain("[DONE]");
    }

    @Test
    void aClientErrorIsNeitherRetriedNorFailedOver() {
        int before = received("ok~client-error");
        HttpResponse<String> response = post("client-error", false);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("x-switchboard-attempts")).hasValue("1");
        assertThat(Http.error(response).getString("code")).isEqualTo("invalid_value");
        assertThat(received("ok~client-error")).isEqualTo(before);
    }

    @Test
    void aFallbackModelServesWhenEveryTargetOfTheModelFails() {
        HttpResponse<String> response = post("with-fallback", false);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-switchboard-fallback")).hasValue("fallback-ok");
        assertThat(response.headers().firstValue("x-switchboard-provider")).hasValue("good");
        // Clients keep seeing the name they asked for; the header tells them a fallback answered.
        assertThat(new JsonObject(response.body()).getString("model")).isEqualTo("with-fallback");
        assertThat(Http.get(managementUri("/q/metrics")).body())
                .contains("switchboard_fallbacks_total{fallback=\"fallback-ok\",model=\"with-fallback\"}");
    }

    @Test
    void anOpenBreakerAnswers503AtOnceWithRetryAfter() {
        HttpResponse<String> response = null;
        for (int i = 0; i < ResilienceTestResource.CONSECUTIVE_FAILURES + 1; i++) {
            response = post("breaker", false);
            if (response.statusCode() == 503) {
                break;
            }
            assertThat(response.statusCode()).isEqualTo(500);
        }
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(Http.error(response).getString("code")).isEqualTo("no_healthy_target");
        assertThat(Long.parseLong(response.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 60L);

        JsonObject target = targets().getJsonArray("targets").stream().map(JsonObject.class::cast)
                .filter(t -> t.getString("upstreamModel").equals("fail-500~breaker")).findFirst().orElseThrow();
        assertThat(target.getString("breaker")).isEqualTo("OPEN");
        assertThat(Http.get(managementUri("/q/metrics")).body()).contains(
                "switchboard_circuit_breaker_state{model=\"breaker\",provider=\"breaking\",upstream_model=\"fail-500~breaker\"} 1.0");
    }

    @Test
    void aKeyTheProviderRefusesIsQuarantinedAndTheOtherKeyServes() {
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> response = post("key-quarantine", false);
            assertThat(response.statusCode()).isEqualTo(200);
        }
        long refusedKeyUses = ResilienceTestResource.simulator().received().stream()
                .filter(r -> "reject-key-a".equals(r.body().getString("model")) && r.authorization().endsWith("-a")).count();
        assertThat(refusedKeyUses).isEqualTo(1);

        String fingerprint = KeyPool.fingerprint(dev.switchboard.gateway.testing.TestTables.KEY_A);
        JsonObject view = targets();
        assertThat(view.encode()).doesNotContain("sk-test");
        assertThat(view.getJsonArray("keys").stream().map(JsonObject.class::cast)
                .filter(k -> k.getString("provider").equals("half-bad-keys") && k.getString("key").equals(fingerprint))
                .findFirst().orElseThrow().getString("state")).isEqualTo("QUARANTINED");
        String metrics = Http.get(managementUri("/q/metrics")).body();
        assertThat(metrics).contains("switchboard_upstream_key_state{key=\"" + fingerprint + "\",provider=\"half-bad-keys\"} 2.0")
                .doesNotContain("sk-test")
                .contains("switchboard_upstream_attempts_total{model=\"key-quarantine\",outcome=\"auth_failed\",provider=\"half-bad-keys\"}");
    }

    @jakarta.inject.Inject
    AttemptPipeline pipeline;
    @jakarta.inject.Inject
    dev.switchboard.gateway.table.RoutingState state;
    @jakarta.inject.Inject
    io.vertx.core.Vertx vertx;

    @Test
    void aRequestNoTargetCanTakeIsRefusedWithoutBlamingAnyTarget() throws Exception {
        var table = state.current();
        List<Object> before = fo500Breakers();
        var errors = new java.util.concurrent.CompletableFuture<ExchangeError>();
        ClientReply reply = new ClientReply() {
            @Override
            public dev.switchboard.gateway.upstream.UpstreamListener deliver(Served served, dev.switchboard.gateway.upstream.UpstreamCall call) {
                throw new AssertionError("nothing may be delivered");
            }

            @Override
            public void fail(ExchangeError error) {
                errors.complete(error);
            }

            @Override
            public void onClientGone(Runnable action) {
            }
        };
        ModelRoute route = table.table().model("fo-500");
        RequestPlan plan = new RequestPlan(table, route, false, "req-unservable", null, null, 0,
                (provider, target) -> null, AttemptPipeline.chain(table, route));
        vertx.runOnContext(v -> pipeline.serve(plan, reply, new dev.switchboard.gateway.record.RequestRecord("req-unservable", null, "chat")));

        ExchangeError error = errors.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(error.status()).isEqualTo(400);
        assertThat(error.code()).isEqualTo("unsupported_by_targets");
        assertThat(fo500Breakers()).as("no breaker counted anything").isEqualTo(before);
    }

    private List<Object> fo500Breakers() {
        return targets().getJsonArray("targets").stream().map(JsonObject.class::cast)
                .filter(t -> t.getString("upstreamModel").endsWith("~fo-500"))
                .map(t -> (Object) (t.getString("breaker") + "/" + t.getInteger("consecutiveFailures"))).toList();
    }

    private static int received(String upstreamModel) {
        return (int) ResilienceTestResource.simulator().received().stream()
                .filter(r -> upstreamModel.equals(r.body().getString("model"))).count();
    }
}
