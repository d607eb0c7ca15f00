package dev.switchboard.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;

import dev.switchboard.gateway.testing.GatewayTestResource;
import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.OpenAiSimulator;
import dev.switchboard.gateway.testing.TestTables;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** Drives the gateway with the official OpenAI Java SDK, against a real upstream simulator. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class OpenAiSdkTest {

    @TestHTTPResource("/v1")
    URL v1;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    OpenAIClient client;

    @BeforeEach
    void connect() {
        client = OpenAIOkHttpClient.builder().baseUrl(v1.toString()).apiKey("client-key").maxRetries(0).build();
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    private static OpenAiSimulator upstream() {
        return GatewayTestResource.simulator();
    }

    /**
     * A body a thousand times over the policy's limit (a 64 MiB message against 64 KiB): the SDK, with its default
     * retries, gets to read the gateway's 413 and raises it as a status error, rather than a broken connection it would
     * send the body again for.
     */
    @Test
    void anOversizedBodyGetsA413TheSdkReadsAndDoesNotRetry() {
        double before = oversizedChatRequests();
        ChatCompletionCreateParams huge = ChatCompletionCreateParams.builder().model("gpt-4o")
                .addUserMessage("x".repeat(64 * 1024 * 1024)).build();
        OpenAIClient retrying = OpenAIOkHttpClient.builder().baseUrl(v1.toString()).apiKey("client-key").maxRetries(2).build();
        try {
            assertThatThrownBy(() -> retrying.chat().completions().create(huge))
                    .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(413);
                        assertThat(e.code()).hasValue("request_too_large");
                    });
        } finally {
            retrying.close();
        }
        assertThat(oversizedChatRequests() - before).as("requests the gateway answered with 413").isEqualTo(1);
    }

    /** switchboard_requests_total of chat requests refused as too large (unparsed, so no model or provider). */
    private double oversizedChatRequests() {
        String metrics = Http.get(URI.create(management.toString()).resolve("/q/metrics")).body();
        Matcher sample = Pattern.compile("(?m)^switchboard_requests_total\\{endpoint=\"chat\",model=\"none\",provider=\"none\",status=\"413\"} (\\S+)$")
                .matcher(metrics);
        return sample.find() ? Double.parseDouble(sample.group(1)) : 0;
    }

    @Test
    void chatIsRoutedRewrittenAndAnsweredUnderThePublicName() {
        HttpResponseFor<ChatCompletion> response = client.chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("hello gateway").build());
        ChatCompletion completion = response.parse();

        assertThat(completion.choices().get(0).message().content()).contains("echo: hello gateway");
        assertThat(completion.model()).isEqualTo("gpt-4o");
        assertThat(completion.usage().orElseThrow().totalTokens()).isEqualTo(12);
        assertThat(response.headers().values("x-switchboard-provider")).containsExactly("sim-openai");
        assertThat(response.headers().values("x-request-id")).hasSize(1);
        OpenAiSimulator.Received received = upstream().last();
        assertThat(received.path()).isEqualTo("/v1/chat/completions");
        assertThat(received.body().getString("model")).isEqualTo("upstream-gpt-4o");
        assertThat(received.team()).isEqualTo("platform");
    }

    @Test
    void aliasesRouteLikeTheirModel() {
        ChatCompletion completion = client.chat().completions().create(
                ChatCompletionCreateParams.builder().model("gpt-4o-latest").addUserMessage("alias").build());

        assertThat(completion.model()).isEqualTo("gpt-4o-latest");
        assertThat(upstream().last().body().getString("model")).isEqualTo("upstream-gpt-4o");
    }

    @Test
    void keysOfThePoolAreUsedInTurn() {
        for (int i = 0; i < 4; i++) {
            client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("k" + i).build());
        }
        List<OpenAiSimulator.Received> all = upstream().received();
        List<String> lastFour = all.subList(all.size() - 4, all.size()).stream().map(OpenAiSimulator.Received::authorization).toList();

        assertThat(lastFour).containsOnly("Bearer " + TestTables.KEY_A, "Bearer " + TestTables.KEY_B);
        assertThat(lastFour.stream().collect(Collectors.groupingBy(k -> k, Collectors.counting())).values()).containsOnly(2L);
    }

    @Test
    void toolDefinitionsArePassedThrough() {
        ChatCompletionFunctionTool tool = ChatCompletionFunctionTool.builder()
                .function(FunctionDefinition.builder().name("get_weather").description("Weather for a city")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(java.util.Map.of("city", java.util.Map.of("type", "string"))))
                                .build())
                        .build())
                .build();
        ChatCompletion completion = client.chat().completions().create(
                ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("weather in Oslo?").addTool(tool).build());

        assertThat(completion.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction().function().name())
                .isEqualTo("get_weather");
        assertThat(upstream().last().body().getJsonArray("tools").getJsonObject(0).getJsonObject("function")
                .getJsonObject("parameters").getJsonObject("properties").containsKey("city")).isTrue();
    }

    @Test
    void streamingChatArrivesInOrderWithThePublicName() {
        StringBuilder text = new StringBuilder();
        List<String> models;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("one two three").build())) {
            List<ChatCompletionChunk> chunks = stream.stream().toList();
            chunks.forEach(c -> c.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));
            models = chunks.stream().map(ChatCompletionChunk::model).distinct().toList();
            assertThat(chunks).allSatisfy(c -> assertThat(c.usage()).isEmpty());
        }

        assertThat(text.toString()).isEqualTo("echo: one two three");
        assertThat(models).containsExactly("gpt-4o");
        // The gateway asks for usage to account tokens even though this client did not.
        assertThat(upstream().last().body().getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
    }

    @Test
    void streamingHonoursIncludeUsage() {
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(
                ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("count me")
                        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            List<ChatCompletionChunk> chunks = stream.stream().toList();
            ChatCompletionChunk last = chunks.get(chunks.size() - 1);

            assertThat(last.choices()).isEmpty();
            assertThat(last.usage().orElseThrow().completionTokens()).isEqualTo(7);
        }
    }

    @Test
    void completions() {
        Completion completion = client.completions().create(CompletionCreateParams.builder()
                .model(CompletionCreateParams.Model.of("gpt-4o")).prompt("say hi").build());

        assertThat(completion.choices().get(0).text()).isEqualTo("echo: say hi");
        assertThat(completion.model()).isEqualTo("gpt-4o");
        assertThat(upstream().last().path()).isEqualTo("/v1/completions");
    }

    @Test
    void embeddings() {
        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("text-embedding").inputOfArrayOfStrings(List.of("a", "b")).build());

        assertThat(response.data()).hasSize(2);
        assertThat(response.data().get(1).embedding()).hasSize(3);
        assertThat(response.model()).isEqualTo("text-embedding");
        assertThat(upstream().last().body().getString("model")).isEqualTo("upstream-embedding");
    }

    @Test
    void modelsAreListedAndRetrievedByPublicName() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();

        assertThat(ids).contains("gpt-4o", "gpt-4o-latest", "chat-sim", "text-embedding").doesNotContain("upstream-gpt-4o");
        Model model = client.models().retrieve("gpt-4o-latest");
        assertThat(model.id()).isEqualTo("gpt-4o-latest");
        assertThat(model.ownedBy()).isEqualTo("switchboard");
    }

    @Test
    void simulatedProviderAnswersDeterministicallyInBothModes() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("chat-sim").addUserMessage("same prompt")
                .maxCompletionTokens(5).build();
        String first = client.chat().completions().create(params).choices().get(0).message().content().orElseThrow();
        String second = client.chat().completions().create(params).choices().get(0).message().content().orElseThrow();
        StringBuilder streamed = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(c -> c.choices().forEach(choice -> choice.delta().content().ifPresent(streamed::append)));
        }

        assertThat(first).isEqualTo(second).isEqualTo(streamed.toString());
        assertThat(first.split(" ")).hasSize(5);
        CreateEmbeddingResponse embedding = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("chat-sim").input("vector please").build());
        assertThat(embedding.data().get(0).embedding()).hasSize(16);
    }

    @Test
    void weightedTargetsAreInterleavedByWeight() {
        List<String> providers = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            providers.add(client.chat().completions().withRawResponse().create(
                    ChatCompletionCreateParams.builder().model("weighted").addUserMessage("w").build())
                    .headers().values("x-switchboard-provider").get(0));
        }

        assertThat(providers.stream().filter("sim-a"::equals).count()).isEqualTo(6);
        assertThat(providers.stream().filter("sim-b"::equals).count()).isEqualTo(2);
    }

    @Test
    void priorityServesFromTheLowestTier() {
        for (int i = 0; i < 3; i++) {
            assertThat(client.chat().completions().withRawResponse().create(
                    ChatCompletionCreateParams.builder().model("priority").addUserMessage("p").build())
                    .headers().values("x-switchboard-provider")).containsExactly("sim-b");
        }
    }
}
