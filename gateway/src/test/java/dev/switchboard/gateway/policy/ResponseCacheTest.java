package dev.switchboard.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import dev.switchboard.gateway.testing.AnthropicSdkTransport;
import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.PrometheusText;
import dev.switchboard.gateway.testing.RequestPoliciesTestResource;
import dev.switchboard.gateway.testing.TestClock;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The response cache through the real HTTP path, with the official SDKs: misses and hits, JSON and streams (a hit
 * replayed as a stream in the client's dialect), per-client scope unless shared, expiry by the injected clock, the
 * Cache-Control directives, and hits that cost no upstream tokens.
 */
@QuarkusTest
@QuarkusTestResource(value = RequestPoliciesTestResource.class, restrictToAnnotatedClass = true)
class ResponseCacheTest {

    @TestHTTPResource("/v1")
    URL v1;

    @TestHTTPResource("/")
    URL root;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    OpenAIClient alice;
    OpenAIClient bob;

    @BeforeEach
    void connect() {
        alice = OpenAIOkHttpClient.builder().baseUrl(v1.toString()).apiKey(RequestPoliciesTestResource.ALICE).maxRetries(0).build();
        bob = OpenAIOkHttpClient.builder().baseUrl(v1.toString()).apiKey(RequestPoliciesTestResource.BOB).maxRetries(0).build();
    }

    @AfterEach
    void disconnect() {
        alice.close();
        bob.close();
        TestClock.reset();
    }

    private static ChatCompletionCreateParams chat(String model, String prompt) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(prompt).build();
    }

    private static String cacheHeader(HttpResponseFor<?> response) {
        return response.headers().values("x-switchboard-cache").stream().findFirst().orElse(null);
    }

    private static long upstreamCalls(String prompt) {
        return RequestPoliciesTestResource.openAi().received().stream()
                .filter(r -> r.body().encode().contains(prompt)).count();
    }

    private String streamed(OpenAIClient client, String model, String prompt, List<String> cache, List<Integer> chunks) {
        StringBuilder text = new StringBuilder();
        try (HttpResponseFor<com.openai.core.http.StreamResponse<ChatCompletionChunk>> response = client.chat().completions().withRawResponse()
                .createStreaming(chat(model, prompt))) {
            cache.add(cacheHeader(response));
            List<ChatCompletionChunk> list = response.parse().stream().toList();
            chunks.add(list.size());
            list.forEach(c -> c.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
        }
        return text.toString();
    }

    @Test
    void aRepeatedRequestIsAHitThatNeverReachesTheUpstream() {
        String prompt = "cache me once please";
        HttpResponseFor<ChatCompletion> first = alice.chat().completions().withRawResponse().create(chat("cached", prompt));
        HttpResponseFor<ChatCompletion> second = alice.chat().completions().withRawResponse().create(chat("cached", prompt));

        assertThat(cacheHeader(first)).isEqualTo("miss");
        assertThat(cacheHeader(second)).isEqualTo("hit");
        ChatCompletion answer = second.parse();
        assertThat(answer.choices().get(0).message().content().orElseThrow()).contains("echo: " + prompt);
        assertThat(answer.model()).isEqualTo("cached");
        assertThat(answer.id()).isEqualTo(first.parse().id());
        assertThat(upstreamCalls(prompt)).isEqualTo(1);
        assertThat(second.headers().values("x-switchboard-attempts")).containsExactly("0");
    }

    @Test
    void aStreamIsStoredAsItIsRelayedAndAHitReplaysAsAStreamOrAsJson() {
        String prompt = "stream me into the cache with several words to cut into pieces";
        List<String> cache = new java.util.ArrayList<>();
        List<Integer> chunks = new java.util.ArrayList<>();
        String missed = streamed(alice, "cached", prompt, cache, chunks);
        String hit = streamed(alice, "cached", prompt, cache, chunks);
        HttpResponseFor<ChatCompletion> json = alice.chat().completions().withRawResponse().create(chat("cached", prompt));

        assertThat(cache).containsExactly("miss", "hit");
        assertThat(hit).isEqualTo(missed).isEqualTo("echo: " + prompt);
        assertThat(chunks.get(1)).as("the hit arrives in pieces, not as one chunk").isGreaterThan(3);
        assertThat(cacheHeader(json)).isEqualTo("hit");
        assertThat(json.parse().choices().get(0).message().content().orElseThrow()).contains(missed);
        assertThat(upstreamCalls(prompt)).isEqualTo(1);
    }

    @Test
    void clientsDoNotShareAnswersUnlessTheCacheIsShared() {
        String prompt = "private question";
        assertThat(cacheHeader(alice.chat().completions().withRawResponse().create(chat("cached", prompt)))).isEqualTo("miss");
        assertThat(cacheHeader(bob.chat().completions().withRawResponse().create(chat("cached", prompt)))).isEqualTo("miss");
        assertThat(upstreamCalls(prompt)).isEqualTo(2);

        String common = "common question";
        assertThat(cacheHeader(alice.chat().completions().withRawResponse().create(chat("shared-cache", common)))).isEqualTo("miss");
        assertThat(cacheHeader(bob.chat().completions().withRawResponse().create(chat("shared-cache", common)))).isEqualTo("hit");
        assertThat(upstreamCalls(common)).isEqualTo(1);
    }

    @Test
    void anAnswerExpiresAfterItsTtlByTheGatewaysClock() {
        Instant start = Instant.parse("2031-03-01T10:00:00Z");
        TestClock.set(start);
        String prompt = "expiring answer";
        assertThat(cacheHeader(alice.chat().completions().withRawResponse().create(chat("cached", prompt)))).isEqualTo("miss");
        TestClock.set(start.plusMillis(RequestPoliciesTestResource.TTL_MS - 1));
        assertThat(cacheHeader(alice.chat().completions().withRawResponse().create(chat("cached", prompt)))).isEqualTo("hit");
        TestClock.set(start.plusMillis(RequestPoliciesTestResource.TTL_MS));
        assertThat(cacheHeader(alice.chat().completions().withRawResponse().create(chat("cached", prompt)))).isEqualTo("miss");
        assertThat(upstreamCalls(prompt)).isEqualTo(2);
    }

    @Test
    void cacheControlNoCacheBypassesAndNoStoreKeepsTheAnswerOut() {
        String prompt = "directives";
        var noStore = ChatCompletionCreateParams.builder().model("cached").addUserMessage(prompt).putAdditionalHeader("cache-control", "no-store").build();
        assertThat(cacheHeader(alice.chat().completions().withRawResponse().create(noStore))).isEqualTo("miss");
        var noCache = ChatCompletionCreateParams.builder().model("cached").addUserMessage(prompt).putAdditionalHeader("Cache-Control", "No-Cache").build();
        assertThat(cacheHeader(alice.chat().completions().withRawResponse().create(noCache))).isEqualTo("bypass");
        assertThat(cacheHeader(alice.chat().completions().withRawResponse().create(chat("cached", prompt)))).isEqualTo("hit");
        assertThat(upstreamCalls(prompt)).isEqualTo(2);
    }

    @Test
    void theKeyIgnoresStreamUserAndMemberOrderButNotTheParameters() {
        String prompt = "key canonical form";
        String base = "\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]";
        URI url = URI.create(v1 + "/chat/completions");
        String auth = "Bearer " + RequestPoliciesTestResource.ALICE;
        assertThat(Http.post(url, "{\"model\":\"cached\"," + base + ",\"temperature\":0}", "authorization", auth)
                .headers().firstValue("x-switchboard-cache")).hasValue("miss");
        assertThat(Http.post(url, "{\"temperature\":0, \"user\":\"u-1\"," + base + ",\"model\":\"cached\"}", "authorization", auth)
                .headers().firstValue("x-switchboard-cache")).hasValue("hit");
        assertThat(Http.post(url, "{\"model\":\"cached\"," + base + ",\"temperature\":1}", "authorization", auth)
                .headers().firstValue("x-switchboard-cache")).hasValue("miss");
    }

    @Test
    void aHitCostsNoUpstreamTokensButCountsAsARequest() {
        String prompt = "metered answer";
        alice.chat().completions().create(chat("metered", prompt));
        PrometheusText before = metrics();
        alice.chat().completions().create(chat("metered", prompt));
        PrometheusText after = metrics();

        assertThat(after.sum("switchboard_tokens_total", java.util.Map.of("model", "metered"))).isEqualTo(before.sum("switchboard_tokens_total", java.util.Map.of("model", "metered")))
                .isPositive();
        assertThat(after.sum("switchboard_requests_total", java.util.Map.of("model", "metered")))
                .isEqualTo(before.sum("switchboard_requests_total", java.util.Map.of("model", "metered")) + 1);
        assertThat(after.sum("switchboard_cache_requests_total", java.util.Map.of("model", "metered", "result", "hit")))
                .isEqualTo(before.sum("switchboard_cache_requests_total", java.util.Map.of("model", "metered", "result", "hit")) + 1);
    }

    @Test
    void messagesAnswersAreReplayedAsMessagesEvents() {
        String prompt = "anthropic answer to keep and replay as events";
        MessageCreateParams params = MessageCreateParams.builder().model("claude-cached").maxTokens(100).addUserMessage(prompt).build();
        AnthropicClient client = AnthropicSdkTransport.client(root.toString(), RequestPoliciesTestResource.ALICE);
        try {
            Message stored = client.messages().create(params);
            StringBuilder text = new StringBuilder();
            int events;
            try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
                List<RawMessageStreamEvent> list = stream.stream().toList();
                events = list.size();
                list.forEach(e -> e.contentBlockDelta().ifPresent(d -> d.delta().text().ifPresent(t -> text.append(t.text()))));
            }
            String expected = stored.content().get(0).text().orElseThrow().text();
            assertThat(text.toString()).isEqualTo(expected);
            assertThat(events).isGreaterThan(4);
        } finally {
            client.close();
        }
        assertThat(RequestPoliciesTestResource.anthropic().received().stream().filter(r -> r.body().encode().contains(prompt)).count())
                .isEqualTo(1);
    }

    @Test
    void embeddingsAreCachedToo() {
        URI url = URI.create(v1 + "/embeddings");
        String body = "{\"model\":\"embeddings-cached\",\"input\":\"embed this text\"}";
        String auth = "Bearer " + RequestPoliciesTestResource.BOB;
        var first = Http.post(url, body, "authorization", auth);
        var second = Http.post(url, body, "authorization", auth);
        assertThat(first.headers().firstValue("x-switchboard-cache")).hasValue("miss");
        assertThat(second.headers().firstValue("x-switchboard-cache")).hasValue("hit");
        assertThat(second.body()).isEqualTo(first.body());
    }

    @Test
    void cacheMetricsCountBytesAndEntries() {
        alice.chat().completions().create(chat("cached", "bytes and entries"));
        PrometheusText metrics = metrics();
        assertThat(metrics.sum("switchboard_cache_bytes", java.util.Map.of())).isPositive();
        assertThat(metrics.sum("switchboard_cache_entries", java.util.Map.of())).isPositive();
        assertThat(metrics.sum("switchboard_cache_stored_bytes_total", java.util.Map.of())).isPositive();
    }

    /** The access log tells a hit from a miss, and names the hooks with their outcomes; a hit has no tokens. */
    @Test
    void theAccessLogSaysHitOrMissAndTheHooks() throws Exception {
        java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger access = java.util.logging.Logger.getLogger("switchboard.access");
        access.addHandler(capture);
        try {
            alice.chat().completions().create(chat("post-rewritten", "logged twice"));
            alice.chat().completions().create(chat("post-rewritten", "logged twice"));
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
            while (lines.stream().noneMatch(l -> l.contains("\"cache\":\"hit\"")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            access.removeHandler(capture);
        }
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"model\":\"post-rewritten\"", "\"hooks\":\"post-rewrite=modify\"",
                "\"cache\":\"miss\""));
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"model\":\"post-rewritten\"", "\"cache\":\"hit\"",
                "\"promptTokens\":0", "\"completionTokens\":0", "\"attempts\":0"));
    }

    private PrometheusText metrics() {
        return PrometheusText.parse(Http.get(URI.create(management.toString()).resolve("/q/metrics")).body());
    }
}
