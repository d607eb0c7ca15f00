package dev.switchboard.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.anthropic.client.AnthropicClient;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;

import dev.switchboard.gateway.testing.AnthropicSdkTransport;
import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.PatternRoutingTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Pattern ModelGroups and provider name rules through the real HTTP path, with the official SDKs, from resources
 * compiled in local mode ({@link PatternRoutingTestResource}) to the upstream simulators.
 */
@QuarkusTest
@QuarkusTestResource(value = PatternRoutingTestResource.class, restrictToAnnotatedClass = true)
class PatternRoutingTest {

    @TestHTTPResource("/")
    URL root;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    OpenAIClient openAi;
    AnthropicClient anthropic;

    @BeforeEach
    void connect() {
        openAi = client(PatternRoutingTestResource.KEY);
        anthropic = AnthropicSdkTransport.client(root.toString(), PatternRoutingTestResource.KEY);
    }

    @AfterEach
    void disconnect() {
        openAi.close();
        anthropic.close();
    }

    private OpenAIClient client(String key) {
        return OpenAIOkHttpClient.builder().baseUrl(URI.create(root.toString()).resolve("/v1").toString()).apiKey(key).maxRetries(0).build();
    }

    private static ChatCompletionCreateParams chat(String model) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("hello " + model).build();
    }

    private static String lastAnthropicModel() {
        return PatternRoutingTestResource.anthropic().last().body().getString("model");
    }

    @Test
    void aPatternGroupServesSeveralUpstreamNamesWithThePrefixStripped() {
        ChatCompletion sim = openAi.chat().completions().create(chat("anthropic/claude-sim"));
        assertThat(lastAnthropicModel()).isEqualTo("claude-sim");
        assertThat(sim.model()).as("answered under the name asked for").isEqualTo("anthropic/claude-sim");
        assertThat(sim.choices().get(0).message().content()).hasValue("echo: hello anthropic/claude-sim");

        Message sonnet = anthropic.messages().create(MessageCreateParams.builder().model("anthropic/claude-sonnet").maxTokens(100)
                .addUserMessage("hi sonnet").build());
        assertThat(lastAnthropicModel()).isEqualTo("claude-sonnet");
        assertThat(sonnet.model().asString()).isEqualTo("anthropic/claude-sonnet");
        assertThat(sonnet.content()).filteredOn(ContentBlock::isText).singleElement()
                .satisfies(block -> assertThat(block.asText().text()).isEqualTo("echo: hi sonnet"));
    }

    @Test
    void anExactNameBeatsThePattern() {
        int anthropicCalls = PatternRoutingTestResource.anthropic().received().size();
        ChatCompletion pinned = openAi.chat().completions().create(chat("anthropic/claude-pinned"));
        assertThat(PatternRoutingTestResource.openAi().last().body().getString("model")).isEqualTo("pinned-upstream");
        assertThat(PatternRoutingTestResource.anthropic().received()).hasSize(anthropicCalls);
        assertThat(pinned.model()).isEqualTo("anthropic/claude-pinned");
    }

    /** The provider's models are known: a name it does not serve is refused before any upstream call. */
    @Test
    void aNameTheProvidersAreKnownNotToServeIs404BeforeAnyCall() {
        int anthropicCalls = PatternRoutingTestResource.anthropic().received().size();
        assertThatThrownBy(() -> openAi.chat().completions().create(chat("anthropic/claude-unheard-of")))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.code()).hasValue("model_not_found"));
        assertThatThrownBy(() -> anthropic.messages().create(MessageCreateParams.builder().model("anthropic/claude-unheard-of").maxTokens(10)
                .addUserMessage("hi").build())).isInstanceOf(com.anthropic.errors.NotFoundException.class);
        assertThat(PatternRoutingTestResource.anthropic().received()).hasSize(anthropicCalls);
    }

    /** Without a model list every name goes upstream, and the upstream's own 404 comes back in the caller's envelope. */
    @Test
    void withoutAModelListTheUpstreams404ComesBack() {
        openAi.chat().completions().create(chat("raw/claude-sim"));
        assertThat(lastAnthropicModel()).isEqualTo("claude-sim");

        assertThatThrownBy(() -> openAi.chat().completions().create(chat("raw/missing")))
                .isInstanceOf(NotFoundException.class);
        assertThat(lastAnthropicModel()).isEqualTo("missing");
        assertThatThrownBy(() -> anthropic.messages().create(MessageCreateParams.builder().model("raw/missing").maxTokens(10)
                .addUserMessage("hi").build())).isInstanceOf(com.anthropic.errors.NotFoundException.class);
    }

    /** Failing upstream under a pattern route, the request falls back to the exact group it names. */
    @Test
    void aPatternRouteFallsBack() {
        var response = openAi.chat().completions().withRawResponse().create(chat("flaky/fail-500"));
        assertThat(lastAnthropicModel()).isEqualTo("fail-500");
        assertThat(response.parse().model()).isEqualTo("flaky/fail-500");
        assertThat(response.headers().values("x-switchboard-provider")).singleElement().asString().startsWith("openai-");
        String metrics = Http.get(URI.create(management.toString()).resolve("/q/metrics")).body();
        assertThat(metrics).containsPattern("switchboard_fallbacks_total\\{fallback=\"gpt-4o\",model=\"flaky/\\*\"} [1-9]");
    }

    @Test
    void modelsListsTheConcreteNamesNeverThePatterns() {
        List<String> ids = openAi.models().list().data().stream().map(Model::id).toList();
        assertThat(ids).contains("anthropic/claude-sim", "anthropic/claude-sonnet", "anthropic/claude-pinned", "gpt-4o")
                .doesNotContain("anthropic/*", "raw/*");
        assertThat(openAi.models().retrieve("anthropic/claude-sim").id()).isEqualTo("anthropic/claude-sim");

        OpenAIClient limited = client(PatternRoutingTestResource.LIMITED_KEY);
        try {
            assertThat(limited.models().list().data().stream().map(Model::id).toList())
                    .containsExactlyInAnyOrder("anthropic/claude-sim", "anthropic/claude-sonnet");
        } finally {
            limited.close();
        }
    }

    /** Two providers spell gpt-4o differently; one aggregate group spans both, each called by its own spelling. */
    @Test
    void anAggregateGroupSpansProvidersThatNameTheModelDifferently() {
        var upstream = PatternRoutingTestResource.openAi();
        int before = upstream.received().size();
        for (int i = 0; i < 4; i++) {
            assertThat(openAi.chat().completions().create(chat("gpt-4o")).model()).isEqualTo("gpt-4o");
        }
        List<String> sent = upstream.received().subList(before, upstream.received().size()).stream()
                .map(r -> r.body().getString("model")).distinct().toList();
        assertThat(sent).containsExactlyInAnyOrder("gpt-4o-2024-08-06", "openai/gpt-4o");
    }

    /** Allow-list globs and limits apply to the name asked for: a glob that matches a pattern's text allows nothing more. */
    @Test
    void allowListsAndLimitsApplyToPatternRequests() {
        OpenAIClient limited = client(PatternRoutingTestResource.LIMITED_KEY);
        try {
            // raw/? allows one-character names under raw/, and the text "raw/*" too: the pattern's name is no way in.
            assertThatThrownBy(() -> limited.chat().completions().create(chat("raw/claude-sim")))
                    .isInstanceOf(PermissionDeniedException.class);
            assertThatThrownBy(() -> limited.models().retrieve("raw/claude-sim")).isInstanceOf(NotFoundException.class);
            limited.chat().completions().create(chat("anthropic/claude-sim"));
            limited.chat().completions().create(chat("anthropic/claude-sonnet"));
            assertThatThrownBy(() -> limited.chat().completions().create(chat("anthropic/claude-sim")))
                    .as("two requests a minute").isInstanceOf(RateLimitException.class);
        } finally {
            limited.close();
        }
    }

    /**
     * Metrics carry the pattern, never the name asked for; the access log the pattern and the upstream model when the
     * table knows it, the template when only the request named it. Cost comes from the price given per glob.
     */
    @Test
    void metricsAndAccessLogsAreLabelledByThePatternNotTheRawName() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger access = Logger.getLogger("switchboard.access");
        access.addHandler(capture);
        try {
            openAi.chat().completions().create(chat("anthropic/claude-sim"));
            openAi.chat().completions().create(chat("raw/client-chosen-name"));
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
            while (lines.stream().noneMatch(l -> l.contains("\"raw/*\"")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        } finally {
            access.removeHandler(capture);
        }
        assertThat(lastAnthropicModel()).isEqualTo("client-chosen-name");
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"model\":\"anthropic/*\"", "\"upstreamModel\":\"claude-sim\""));
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"model\":\"raw/*\"", "\"upstreamModel\":\"{1}\""));
        assertThat(String.join("\n", lines)).doesNotContain("client-chosen-name");

        String metrics = Http.get(URI.create(management.toString()).resolve("/q/metrics")).body();
        assertThat(metrics).contains("model=\"anthropic/*\"", "model=\"raw/*\"")
                .doesNotContain("anthropic/claude-sim", "client-chosen-name");
        Matcher cost = Pattern.compile("(?m)^switchboard_cost_total\\{[^}]*model=\"anthropic/\\*\"[^}]*} (\\S+)$").matcher(metrics);
        assertThat(cost.find()).as("a cost sample for the pattern").isTrue();
        assertThat(Double.parseDouble(cost.group(1))).as("priced by the claude-* glob").isPositive();
    }
}
