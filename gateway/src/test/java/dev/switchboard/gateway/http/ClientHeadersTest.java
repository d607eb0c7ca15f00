package dev.switchboard.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.testing.AnthropicSimulator;
import dev.switchboard.gateway.testing.AnthropicTestResource;
import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.OpenAiSimulator;
import dev.switchboard.gateway.dialect.anthropic.AnthropicUpstream;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * Which client headers reach providers: only those the policy lists ({@code access.forwardHeaders}:
 * {@code anthropic-version} and {@code openai-beta} here), only on attempts that carry the client's request
 * untranslated, and otherwise the Provider's own headers. A client cannot switch on a beta the platform did not
 * choose. The capability check applies to every /v1/messages request, translatable or not.
 */
@QuarkusTest
@QuarkusTestResource(value = AnthropicTestResource.class, restrictToAnnotatedClass = true)
class ClientHeadersTest {

    private static final String KEY = AnthropicTestResource.CLIENT_KEY;
    private static final String CLIENT_BETA = "web-fetch-2025-09-10";

    @TestHTTPResource("/v1/messages")
    URL messages;

    @TestHTTPResource("/v1/chat/completions")
    URL chat;

    private static String message(String model, String extra) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi there\"}]" + extra + "}";
    }

    private HttpResponse<String> postMessage(String model, String extra) throws Exception {
        return Http.post(messages.toURI(), message(model, extra), "x-api-key", KEY, "anthropic-version", "2023-01-01",
                "anthropic-beta", CLIENT_BETA);
    }

    @Test
    void aListedHeaderIsForwardedAndAnUnlistedOneIsNot() throws Exception {
        HttpResponse<String> response = postMessage("claude", "");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        AnthropicSimulator.Received received = AnthropicTestResource.anthropic().last();
        assertThat(received.version()).isEqualTo("2023-01-01");
        assertThat(received.beta()).isNull();
    }

    @Test
    void theProvidersHeaderWinsOverAClientHeaderThePolicyDoesNotList() throws Exception {
        HttpResponse<String> response = postMessage("claude-pinned", "");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(AnthropicTestResource.anthropic().last().beta()).isEqualTo(AnthropicTestResource.PROVIDER_BETA);
    }

    @Test
    void openAiTargetsGetTheListedHeadersOnly() throws Exception {
        HttpResponse<String> response = Http.post(chat.toURI(),
                "{\"model\":\"gpt\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "authorization", "Bearer " + KEY,
                "OpenAI-Beta", "assistants=v2", "anthropic-beta", CLIENT_BETA, "x-stainless-custom", "yes");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        OpenAiSimulator.Received received = AnthropicTestResource.openAi().last();
        assertThat(received.headers().get("openai-beta")).isEqualTo("assistants=v2");
        assertThat(received.headers().contains("anthropic-beta")).isFalse();
        assertThat(received.headers().contains("x-stainless-custom")).isFalse();
        assertThat(received.authorization()).doesNotContain(KEY);
    }

    @Test
    void translatedAttemptsCarryNoClientHeaders() throws Exception {
        HttpResponse<String> response = Http.post(chat.toURI(),
                "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "authorization", "Bearer " + KEY,
                "anthropic-version", "2023-01-01");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        // The translation is written for the adapter's API version, whatever the client asked for.
        assertThat(AnthropicTestResource.anthropic().last().version()).isEqualTo(AnthropicUpstream.API_VERSION);
    }

    @Test
    void capabilitiesAreCheckedWhenOnlyTheUntranslatedRequestCanBeServed() throws Exception {
        int before = AnthropicTestResource.anthropic().received().size();
        // top_k has no OpenAI counterpart, so only an Anthropic target can take this request; its Provider declares no tools.
        HttpResponse<String> response = postMessage("claude-no-tools",
                ",\"top_k\":5,\"tools\":[{\"name\":\"look\",\"input_schema\":{\"type\":\"object\"}}]");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonObject error = new JsonObject(response.body()).getJsonObject("error");
        assertThat(error.getString("type")).isEqualTo("invalid_request_error");
        assertThat(error.getString("message")).contains("claude-no-tools").contains("tools");
        assertThat(AnthropicTestResource.anthropic().received()).hasSize(before);

        HttpResponse<String> withoutTools = postMessage("claude-no-tools", ",\"top_k\":5");
        assertThat(withoutTools.statusCode()).as(withoutTools.body()).isEqualTo(200);
    }
}
