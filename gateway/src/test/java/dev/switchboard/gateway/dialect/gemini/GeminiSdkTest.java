package dev.switchboard.gateway.dialect.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.RateLimitException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;

import dev.switchboard.gateway.testing.GeminiTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The official OpenAI Java SDK through the gateway to a Gemini provider: chat, streaming, tools, embeddings, errors. */
@QuarkusTest
@QuarkusTestResource(value = GeminiTestResource.class, restrictToAnnotatedClass = true)
class GeminiSdkTest {

    @TestHTTPResource("/v1")
    URL v1;

    OpenAIClient client;

    @BeforeEach
    void connect() {
        client = OpenAIOkHttpClient.builder().baseUrl(v1.toString()).apiKey("client-key").maxRetries(0).build();
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    private static ChatCompletionFunctionTool weatherTool() {
        return ChatCompletionFunctionTool.builder()
                .function(FunctionDefinition.builder().name("get_weather").description("Weather for a city")
                        .parameters(FunctionParameters.builder()
                                .putAdditionalProperty("type", JsonValue.from("object"))
                                .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                                .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                                .build())
                        .build())
                .build();
    }

    @Test
    void chat() {
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gemini-chat")
                .addSystemMessage("be brief").addUserMessage("hello from the SDK").build());

        assertThat(completion.choices().get(0).message().content()).hasValue("echo: hello from the SDK");
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.model()).isEqualTo("gemini-chat");
        assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(6);
    }

    @Test
    void streamingWithUsage() {
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("gemini-chat").addUserMessage("stream these words please")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        ChatCompletion completion = accumulator.chatCompletion();

        assertThat(completion.choices().get(0).message().content()).hasValue("echo: stream these words please");
        assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(5);
    }

    @Test
    void toolsRoundTrip() {
        ChatCompletion first = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gemini-chat")
                .addUserMessage("weather in Oslo?").addTool(weatherTool()).build());
        ChatCompletionMessage message = first.choices().get(0).message();
        ChatCompletionMessageFunctionToolCall call = message.toolCalls().orElseThrow().get(0).asFunction();

        assertThat(first.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).isEqualTo("{\"city\":\"city-0\"}");

        ChatCompletion second = client.chat().completions().create(ChatCompletionCreateParams.builder().model("gemini-chat")
                .addUserMessage("weather in Oslo?").addTool(weatherTool()).addMessage(message)
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("sunny, 21 degrees").build()).build());

        assertThat(second.choices().get(0).message().content())
                .hasValue("result: [{\"name\":\"get_weather\",\"response\":{\"result\":\"sunny, 21 degrees\"}}]");
    }

    @Test
    void streamedParallelToolCalls() {
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("gemini-chat").addUserMessage("parallel weather").addTool(weatherTool()).build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        ChatCompletion completion = accumulator.chatCompletion();
        List<String> arguments = completion.choices().get(0).message().toolCalls().orElseThrow().stream()
                .map(c -> c.asFunction().function().arguments()).toList();

        assertThat(arguments).containsExactly("{\"city\":\"city-0\"}", "{\"city\":\"city-1\"}");
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    }

    @Test
    void embeddings() {
        CreateEmbeddingResponse response = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("gemini-embedding").inputOfArrayOfStrings(List.of("one", "two", "three")).dimensions(6).build());

        assertThat(response.data()).hasSize(3);
        assertThat(response.data().get(2).embedding()).hasSize(6);
        assertThat(response.model()).isEqualTo("gemini-embedding");
    }

    @Test
    void errorsAreTypedSdkExceptions() {
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder().model("gemini-rate-limited")
                .addUserMessage("hi").build()))
                .isInstanceOfSatisfying(RateLimitException.class, e -> assertThat(e.headers().values("retry-after")).containsExactly("7"));
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder().model("gemini-chat")
                .addUserMessage("hi").logprobs(true).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.code()).hasValue("unsupported_feature"));
    }
}
