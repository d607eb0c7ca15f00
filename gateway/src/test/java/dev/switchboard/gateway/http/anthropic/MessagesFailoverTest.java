package dev.switchboard.gateway.http.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;

import dev.switchboard.gateway.testing.AnthropicSdkTransport;
import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.MessagesFailoverTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * /v1/messages through the attempt pipeline: a failing target (Anthropic's 529 overload, a 429, a 500, no
 * connection) hands over to the next one before anything reaches the client, whether the next one is an Anthropic
 * target (the request relayed untranslated) or an OpenAI one (translated both ways), streaming and not.
 */
@QuarkusTest
@QuarkusTestResource(value = MessagesFailoverTestResource.class, restrictToAnnotatedClass = true)
class MessagesFailoverTest {

    @TestHTTPResource("/v1/messages")
    URL messages;

    @TestHTTPResource("/")
    URL root;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    private static String request(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":50,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}";
    }

    private HttpResponse<String> post(String model, boolean stream) throws Exception {
        return Http.post(messages.toURI(), request(model, stream), "anthropic-version", "2023-01-01",
                "anthropic-beta", "token-efficient-tools-2025-02-19");
    }

    /** The message a /v1/messages answer carries: the JSON message, or the one its event stream builds. */
    private static JsonObject message(HttpResponse<String> response, boolean stream) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        if (!stream) {
            assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
            return new JsonObject(response.body());
        }
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        List<String> names = new ArrayList<>();
        JsonObject message = null;
        StringBuilder text = new StringBuilder();
        for (String event : response.body().split("\n\n")) {
            String[] lines = event.split("\n");
            names.add(lines[0].substring("event: ".length()));
            JsonObject data = new JsonObject(lines[1].substring("data: ".length()));
            if (data.getString("type").equals("message_start")) {
                message = data.getJsonObject("message");
            } else if (data.getString("type").equals("content_block_delta")) {
                text.append(data.getJsonObject("delta").getString("text"));
            }
        }
        assertThat(names).as(response.body()).doesNotContain("error").startsWith("message_start").endsWith("message_stop");
        return message.put("content", List.of(new JsonObject().put("type", "text").put("text", text.toString())));
    }

    private static String text(JsonObject message) {
        return message.getJsonArray("content").getJsonObject(0).getString("text");
    }

    private static void servedBy(HttpResponse<String> response, String provider, int attempts) {
        assertThat(response.headers().firstValue("x-switchboard-provider")).hasValue(provider);
        assertThat(response.headers().firstValue("x-switchboard-attempts")).hasValue(Integer.toString(attempts));
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void anOverloadedAnthropicTargetHandsOverToTheNextAnthropicTarget(boolean stream) throws Exception {
        HttpResponse<String> response = post("overloaded-then-claude", stream);

        JsonObject message = message(response, stream);
        servedBy(response, "anthropic-backup", 2);
        assertThat(message.getString("model")).isEqualTo("overloaded-then-claude");
        assertThat(text(message)).isEqualTo("echo: hi there");
        // Both attempts went untranslated, with the client's version headers (the policy forwards them).
        var received = MessagesFailoverTestResource.anthropic().received();
        var failed = received.get(received.size() - 2);
        var served = received.get(received.size() - 1);
        assertThat(failed.body().getString("model")).isEqualTo("overloaded");
        assertThat(served.body()).isEqualTo(new JsonObject(request("claude-sim", stream)));
        for (var attempt : List.of(failed, served)) {
            assertThat(attempt.version()).isEqualTo("2023-01-01");
            assertThat(attempt.beta()).isEqualTo("token-efficient-tools-2025-02-19");
        }
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void aMixedGroupServesTranslatedWhenItsAnthropicTargetIsOverloaded(boolean stream) throws Exception {
        HttpResponse<String> response = post("overloaded-then-gpt", stream);

        JsonObject message = message(response, stream);
        servedBy(response, "openai", 2);
        assertThat(message.getString("type")).isEqualTo("message");
        assertThat(message.getString("model")).isEqualTo("overloaded-then-gpt");
        assertThat(text(message)).isEqualTo("echo: hi there");
        JsonObject sent = MessagesFailoverTestResource.openAi().last().body();
        assertThat(sent.getString("model")).isEqualTo("upstream-gpt");
        assertThat(sent.getJsonArray("messages").getJsonObject(0)).isEqualTo(new JsonObject("{\"role\":\"user\",\"content\":\"hi there\"}"));
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void aMixedGroupServesUntranslatedWhenItsOpenAiTargetFails(boolean stream) throws Exception {
        HttpResponse<String> response = post("failing-gpt-then-claude", stream);

        JsonObject message = message(response, stream);
        servedBy(response, "anthropic-backup", 2);
        assertThat(message.getString("model")).isEqualTo("failing-gpt-then-claude");
        assertThat(text(message)).isEqualTo("echo: hi there");
        assertThat(MessagesFailoverTestResource.openAi().last().body().getString("model")).isEqualTo("fail-500");
        var served = MessagesFailoverTestResource.anthropic().last();
        assertThat(served.body()).isEqualTo(new JsonObject(request("claude-sim", stream)));
        assertThat(served.version()).isEqualTo("2023-01-01");
    }

    @Test
    void rateLimitedKeysCoolDownWhileTheNextTargetServes() throws Exception {
        // Both keys meet the 429 in turn, then the OpenAI target serves.
        HttpResponse<String> first = post("limited-then-gpt", false);
        assertThat(text(message(first, false))).isEqualTo("echo: hi there");
        servedBy(first, "openai", 3);

        // Both keys cool down for the limited model (Retry-After: 7): it is skipped without a call.
        int calls = MessagesFailoverTestResource.anthropic().received().size();
        HttpResponse<String> second = post("limited-then-gpt", true);
        assertThat(text(message(second, true))).isEqualTo("echo: hi there");
        servedBy(second, "openai", 1);
        assertThat(MessagesFailoverTestResource.anthropic().received()).hasSize(calls);
    }

    @Test
    void aFallbackModelServesWhenTheRequestedOneCannot() throws Exception {
        HttpResponse<String> response = post("overloaded-with-fallback", false);

        JsonObject message = message(response, false);
        servedBy(response, "openai", 2);
        assertThat(response.headers().firstValue("x-switchboard-fallback")).hasValue("gpt");
        assertThat(message.getString("model")).isEqualTo("overloaded-with-fallback");
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void whenEveryTargetFailsTheLastFailureComesInAnthropicsEnvelope(boolean stream) throws Exception {
        HttpResponse<String> response = post("all-down", stream);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        servedBy(response, "openai-down", 2);
        JsonObject body = new JsonObject(response.body());
        assertThat(body.getString("type")).isEqualTo("error");
        assertThat(body.getJsonObject("error").getString("type")).isEqualTo("api_error");
        assertThat(body.getJsonObject("error").getString("message")).contains("openai-down").doesNotContain("127.0.0.1");
    }

    private static final String IMAGE_REQUEST = "{\"model\":\"%s\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":["
            + "{\"type\":\"text\",\"text\":\"what is it\"},"
            + "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}]}]}";

    @Test
    void targetsDeclaredUnableToTakeTheRequestAreSkipped() throws Exception {
        int calls = MessagesFailoverTestResource.openAi().received().size();
        HttpResponse<String> served = Http.post(messages.toURI(), IMAGE_REQUEST.formatted("text-only-then-claude"));

        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        servedBy(served, "anthropic-backup", 1);
        assertThat(MessagesFailoverTestResource.anthropic().last().body().getJsonArray("messages").encode()).contains("\"image\"");

        HttpResponse<String> refused = Http.post(messages.toURI(), IMAGE_REQUEST.formatted("text-only"));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        JsonObject error = new JsonObject(refused.body());
        assertThat(error.getString("type")).isEqualTo("error");
        assertThat(error.getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
        assertThat(error.getJsonObject("error").getString("message")).contains("text-only");
        assertThat(MessagesFailoverTestResource.openAi().received()).as("no call to the text-only provider").hasSize(calls);
    }

    /** Anthropic reports an overload that comes after the response started as a 200 stream whose first events are no content. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "stream-overloaded-then-claude", "started-overloaded-then-gpt" })
    void aStreamThatFailsBeforeAnyContentHandsOverToTheNextTarget(String model) throws Exception {
        HttpResponse<String> response = post(model, true);

        assertThat(text(message(response, true))).isEqualTo("echo: hi there");
        servedBy(response, model.endsWith("claude") ? "anthropic-backup" : "openai", 2);

        // The same through the OpenAI endpoint, where the Anthropic target's stream is translated.
        HttpResponse<String> chat = Http.post(root.toURI().resolve("/v1/chat/completions"),
                "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}");
        assertThat(chat.statusCode()).isEqualTo(200);
        servedBy(chat, model.endsWith("claude") ? "anthropic-backup" : "openai", 2);
        assertThat(chat.body()).contains("echo:").endsWith("data: [DONE]\n\n").doesNotContain("\"error\"");
    }

    @Test
    void aStreamThatEndsWithAnErrorEventAfterItsContentIsAFailureOfItsTarget() throws Exception {
        HttpResponse<String> response = post("midstream-error", true);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("text_delta").contains("event: error").contains("overloaded_error");
        JsonObject target = new JsonObject(Http.get(management.toURI().resolve("/q/switchboard/targets")).body()).getJsonArray("targets")
                .stream().map(JsonObject.class::cast).filter(t -> t.getString("provider").equals("anthropic-midstream"))
                .findFirst().orElseThrow();
        assertThat(target.getInteger("consecutiveFailures")).isEqualTo(1);
        assertThat(Http.get(management.toURI().resolve("/q/metrics")).body()).contains(
                "switchboard_upstream_attempts_total{model=\"midstream-error\",outcome=\"server_error\",provider=\"anthropic-midstream\"} 1.0");
    }

    /** Anthropic's `content` as a string (or a `message_start` without a message object) cannot be translated. */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void anAnswerAnthropicSentMalformedIsATyped502OrFailsOver(boolean stream) throws Exception {
        HttpResponse<String> alone = chat("malformed-claude", stream);
        assertThat(alone.statusCode()).as(alone.body()).isEqualTo(502);
        assertThat(Http.error(alone).getString("code")).isEqualTo("upstream_invalid_response");

        HttpResponse<String> failedOver = chat("malformed-then-gpt", stream);
        assertThat(failedOver.statusCode()).as(failedOver.body()).isEqualTo(200);
        servedBy(failedOver, "openai", 2);
        assertThat(failedOver.body()).contains("echo:").doesNotContain("\"error\"");
    }

    /**
     * The other way round: an OpenAI stream chunk whose `delta` is a string cannot be written as Anthropic events. The
     * stream started (its head and `message_start` are out), so it ends at once with Anthropic's error event.
     */
    @Test
    void aStreamThatCannotBeTranslatedForAMessagesClientEndsWithAnErrorEventAtOnce() throws Exception {
        HttpResponse<String> response = post("malformed-delta-gpt", true);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("event: message_start").contains("event: error")
                .contains("The stream from provider openai could not be read.").doesNotContain("message_stop");
    }

    /**
     * The same malformed answer (a 200 message whose `content` is a string) to a Messages client, relayed untranslated:
     * it is no answer either, so it fails over like one that is not JSON, and alone it is a typed 502 in Anthropic's
     * envelope, never relayed as a 200 the client's SDK cannot read. (Streamed, the malformed `message_start` ends the
     * stream before any content, which already failed over.)
     */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void aMalformedAnswerRelayedUntranslatedIsATyped502OrFailsOver(boolean stream) throws Exception {
        HttpResponse<String> alone = post("malformed-claude", stream);
        assertThat(alone.statusCode()).as(alone.body()).isEqualTo(502);
        JsonObject error = new JsonObject(alone.body());
        assertThat(error.getString("type")).isEqualTo("error");
        assertThat(error.getJsonObject("error").getString("type")).isEqualTo("api_error");

        HttpResponse<String> failedOver = post("malformed-then-gpt", stream);
        assertThat(text(message(failedOver, stream))).isEqualTo("echo: hi there");
        servedBy(failedOver, "openai", 2);
    }

    private HttpResponse<String> chat(String model, boolean stream) throws Exception {
        return Http.post(root.toURI().resolve("/v1/chat/completions"),
                "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]}");
    }

    @Test
    void theAnthropicSdkStreamsThroughAFailover() {
        AnthropicClient client = AnthropicSdkTransport.client(root.toString(), "unused");
        try {
            MessageAccumulator accumulator = MessageAccumulator.create();
            MessageCreateParams params = MessageCreateParams.builder().model("overloaded-then-gpt").maxTokens(100)
                    .addUserMessage("hello failover").build();
            try (StreamResponse<RawMessageStreamEvent> events = client.messages().createStreaming(params)) {
                events.stream().forEach(accumulator::accumulate);
            }
            Message message = accumulator.message();
            assertThat(message.model().asString()).isEqualTo("overloaded-then-gpt");
            assertThat(message.content()).singleElement().satisfies(block -> assertThat(block.asText().text()).isEqualTo("echo: hello failover"));
            assertThat(message.usage().outputTokens()).isPositive();
        } finally {
            client.close();
        }
    }

    // Token counting: /v1/messages/count_tokens

    private static final String COUNT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"count these four words\"}]}";

    private HttpResponse<String> count(String model) throws Exception {
        return Http.post(root.toURI().resolve("/v1/messages/count_tokens"), COUNT.formatted(model));
    }

    @Test
    void aCountFailsOverAcrossAnthropicTargetsAndIsRelayedAsCounted() throws Exception {
        HttpResponse<String> response = count("overloaded-then-claude");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        servedBy(response, "anthropic-backup", 2);
        assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject().put("input_tokens", 4));
        assertThat(response.headers().firstValue("x-switchboard-token-count")).isEmpty();
        var counted = MessagesFailoverTestResource.anthropic().last();
        assertThat(counted.path()).isEqualTo("/v1/messages/count_tokens");
        assertThat(counted.body()).isEqualTo(new JsonObject(COUNT.formatted("claude-sim")));
    }

    @Test
    void aCountInAMixedGroupGoesToItsAnthropicTargetOnly() throws Exception {
        int openAiCalls = MessagesFailoverTestResource.openAi().received().size();

        HttpResponse<String> response = count("failing-gpt-then-claude");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        servedBy(response, "anthropic-backup", 1);
        assertThat(new JsonObject(response.body()).getInteger("input_tokens")).isEqualTo(4);
        assertThat(MessagesFailoverTestResource.openAi().received()).hasSize(openAiCalls);
    }

    @Test
    void aCountForAModelWithoutAnthropicTargetsIsTheGatewaysEstimateAndSaysSo() throws Exception {
        int openAiCalls = MessagesFailoverTestResource.openAi().received().size();

        HttpResponse<String> response = count("gpt");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-switchboard-token-count")).hasValue("estimate");
        // A quarter of the request's bytes, as the gateway reckons a prompt.
        assertThat(new JsonObject(response.body())).isEqualTo(new JsonObject().put("input_tokens", COUNT.formatted("gpt").length() / 4));
        assertThat(MessagesFailoverTestResource.openAi().received()).hasSize(openAiCalls);
    }

    @Test
    void countErrorsComeInAnthropicsEnvelope() throws Exception {
        HttpResponse<String> down = count("all-down");
        assertThat(down.statusCode()).as(down.body()).isEqualTo(502);
        assertThat(new JsonObject(down.body()).getJsonObject("error").getString("type")).isEqualTo("api_error");

        HttpResponse<String> unknown = count("no-such-model");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(new JsonObject(unknown.body()).getJsonObject("error").getString("type")).isEqualTo("not_found_error");

        HttpResponse<String> noMessages = Http.post(root.toURI().resolve("/v1/messages/count_tokens"), "{\"model\":\"gpt\"}");
        assertThat(noMessages.statusCode()).isEqualTo(400);
        assertThat(new JsonObject(noMessages.body()).getJsonObject("error").getString("message")).isEqualTo("messages: Field required");

        HttpResponse<String> get = Http.send("GET", root.toURI().resolve("/v1/messages/count_tokens"), null);
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(new JsonObject(get.body()).getString("type")).isEqualTo("error");
    }
}
