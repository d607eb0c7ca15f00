package dev.switchboard.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URL;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.anthropic.client.AnthropicClient;
import com.anthropic.errors.BadRequestException;
import com.anthropic.models.messages.MessageCreateParams;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.InternalServerException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import dev.switchboard.gateway.testing.AnthropicSdkTransport;
import dev.switchboard.gateway.testing.HookServer;
import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.OpenAiSimulator;
import dev.switchboard.gateway.testing.PrometheusText;
import dev.switchboard.gateway.testing.RequestPoliciesTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Hooks through the real HTTP path: a hook service on loopback that denies, rewrites, stalls past its timeout (under
 * each failure mode) or breaks; PostCall hooks that deny or rewrite an answer; the built-in redaction, whose masked
 * text is what the upstream simulator receives. Clients are the official SDKs; denials arrive in each API's envelope.
 */
@QuarkusTest
@QuarkusTestResource(value = RequestPoliciesTestResource.class, restrictToAnnotatedClass = true)
class HooksTest {

    @TestHTTPResource("/v1")
    URL v1;

    @TestHTTPResource("/")
    URL root;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    OpenAIClient client;

    @BeforeEach
    void connect() {
        client = OpenAIOkHttpClient.builder().baseUrl(v1.toString()).apiKey(RequestPoliciesTestResource.ALICE).maxRetries(0).build();
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    private static ChatCompletionCreateParams chat(String model, String prompt) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(prompt).build();
    }

    private static OpenAiSimulator.Received upstreamRequest(String marker) {
        return RequestPoliciesTestResource.openAi().received().stream().filter(r -> r.body().encode().contains(marker)).findFirst().orElse(null);
    }

    @Test
    void aDenyingHookRefusesInTheClientsEnvelopeAndNothingGoesUpstream() {
        String prompt = "tell me about the secret project";
        assertThatThrownBy(() -> client.chat().completions().create(chat("denied", prompt)))
                .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).contains(HookServer.DENIAL);
                });
        HookServer.Received seen = RequestPoliciesTestResource.hooks().received().stream()
                .filter(r -> r.path().equals("/deny") && r.document().encode().contains(prompt)).findFirst().orElseThrow();
        assertThat(seen.authorization()).isEqualTo("Bearer " + RequestPoliciesTestResource.HOOK_TOKEN);
        assertThat(seen.document().getString("phase")).isEqualTo("PreCall");
        assertThat(seen.document().getJsonObject("client").getString("name")).isEqualTo("alice");
        assertThat(seen.document().getJsonObject("client").getString("team")).isEqualTo("team-a");
        assertThat(seen.document().getString("model")).isEqualTo("denied");
        assertThat(upstreamRequest(prompt)).isNull();

        AnthropicClient anthropic = AnthropicSdkTransport.client(root.toString(), RequestPoliciesTestResource.ALICE);
        try {
            assertThatThrownBy(() -> anthropic.messages().create(MessageCreateParams.builder().model("denied").maxTokens(10)
                    .addUserMessage(prompt).build()))
                    .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains(HookServer.DENIAL));
        } finally {
            anthropic.close();
        }
    }

    @Test
    void aRewritingHookChangesWhatTheUpstreamReceives() {
        String prompt = "original words of the client";
        ChatCompletion answer = client.chat().completions().create(chat("rewritten", prompt));

        assertThat(answer.choices().get(0).message().content().orElseThrow()).contains(HookServer.REWRITTEN);
        OpenAiSimulator.Received sent = upstreamRequest(HookServer.REWRITTEN);
        assertThat(sent).isNotNull();
        assertThat(sent.body().getString("model")).isEqualTo("upstream-rewritten");
        assertThat(sent.body().encode()).doesNotContain(prompt);
    }

    @Test
    void aStalledHookFailingOpenIsSkippedAndFailingClosedRefuses() {
        ChatCompletion open = client.chat().completions().create(chat("stall-open", "go on without the hook"));
        assertThat(open.choices().get(0).message().content().orElseThrow()).contains("go on without the hook");

        assertThatThrownBy(() -> client.chat().completions().create(chat("stall-closed", "wait for the hook")))
                .isInstanceOfSatisfying(InternalServerException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(503);
                    assertThat(e.getMessage()).contains("stall-closed");
                });
        assertThat(upstreamRequest("wait for the hook")).isNull();
        PrometheusText metrics = metrics();
        assertThat(metrics.sum("switchboard_hook_calls_total", Map.of("hook", "stall-open", "outcome", "timeout"))).isPositive();
        assertThat(metrics.sum("switchboard_hook_calls_total", Map.of("hook", "stall-closed", "outcome", "timeout"))).isPositive();
    }

    @Test
    void aBrokenHookFailingClosedRefusesWithoutItsDetails() {
        var response = Http.post(URI.create(v1 + "/chat/completions"), "{\"model\":\"broken-closed\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                "authorization", "Bearer " + RequestPoliciesTestResource.ALICE);
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(Http.error(response).getString("code")).isEqualTo("hook_unavailable");
        assertThat(response.body()).doesNotContain(RequestPoliciesTestResource.hooks().baseUrl());
    }

    @Test
    void redactionMasksTheRequestBeforeTheUpstreamSeesIt() {
        String prompt = "Mail jane.doe@example.com, card 4111 1111 1111 1111, key sk-abcdefghijklmnopqrstuv, marker redaction-1";
        client.chat().completions().create(chat("redacted", prompt));

        String sent = upstreamRequest("marker redaction-1").body().encode();
        assertThat(sent).contains("[REDACTED:email]", "[REDACTED:card-number]", "[REDACTED:api-key]")
                .doesNotContain("jane.doe@example.com", "4111 1111 1111 1111", "sk-abcdefghijklmnopqrstuv");
        assertThat(metrics().sum("switchboard_hook_calls_total", Map.of("hook", "pii", "outcome", "modify"))).isPositive();
    }

    @Test
    void postCallHooksDenyOrRewriteAWholeAnswer() {
        assertThatThrownBy(() -> client.chat().completions().create(chat("post-denied", "answer me")))
                .isInstanceOfSatisfying(OpenAIServiceException.class, e -> assertThat(e.getMessage()).contains(HookServer.DENIAL));
        HookServer.Received seen = RequestPoliciesTestResource.hooks().received().stream()
                .filter(r -> "PostCall".equals(r.document().getString("phase"))).findFirst().orElseThrow();
        assertThat(seen.document().getString("format")).isEqualTo("openai");
        assertThat(seen.document().getJsonObject("response").getString("object")).isEqualTo("chat.completion");

        ChatCompletion rewritten = client.chat().completions().create(chat("post-rewritten", "rewrite my answer"));
        assertThat(rewritten.choices().get(0).message().content().orElseThrow()).contains(HookServer.REWRITTEN);
        assertThat(rewritten.model()).isEqualTo("post-rewritten");
    }

    @Test
    void aClientsOwnHooksApplyToItsRequestsOnly() {
        var url = URI.create(v1 + "/chat/completions");
        String body = "{\"model\":\"cached\",\"messages\":[{\"role\":\"user\",\"content\":\"a client-level guardrail\"}]}";
        var carol = Http.post(url, body, "authorization", "Bearer " + RequestPoliciesTestResource.CAROL);
        var alice = Http.post(url, body, "authorization", "Bearer " + RequestPoliciesTestResource.ALICE);

        assertThat(carol.statusCode()).isEqualTo(400);
        assertThat(Http.error(carol).getString("code")).isEqualTo("request_denied");
        assertThat(Http.error(carol).getString("message")).isEqualTo(HookServer.DENIAL);
        assertThat(alice.statusCode()).isEqualTo(200);
    }

    private PrometheusText metrics() {
        return PrometheusText.parse(Http.get(URI.create(management.toString()).resolve("/q/metrics")).body());
    }
}
