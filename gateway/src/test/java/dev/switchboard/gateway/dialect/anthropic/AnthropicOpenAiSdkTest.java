package dev.switchboard.gateway.dialect.anthropic;

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
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;

import dev.switchboard.gateway.testing.AnthropicTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The official OpenAI Java SDK through the gateway to the Anthropic provider type: chat, streaming, tools. */
@QuarkusTest
@QuarkusTestResource(value = AnthropicTestResource.class, restrictToAnnotatedClass = true)
class AnthropicOpenAiSdkTest {

    private static final ChatCompletionFunctionTool WEATHER = ChatCompletionFunctionTool.builder()
            .function(FunctionDefinition.builder().name("get_weather").description("Weather for a city")
                    .parameters(FunctionParameters.builder()
                            .putAdditionalProperty("type", JsonValue.from("object"))
                            .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                            .build())
                    .build())
            .build();

    @TestHTTPResource("/v1")
    URL v1;

    OpenAIClient client;

    @BeforeEach
    void connect() {
        client = OpenAIOkHttpClient.builder().baseUrl(v1.toString()).apiKey(AnthropicTestResource.CLIENT_KEY).maxRetries(0).build();
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    @Test
    void chat() {
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder().model("claude")
                .addSystemMessage("Be brief.").addUserMessage("hello claude").build());

        assertThat(completion.choices().get(0).message().content()).contains("echo: hello claude");
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.model()).isEqualTo("claude");
        assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(3);
        assertThat(AnthropicTestResource.anthropic().last().body().getJsonArray("system").getJsonObject(0).getString("text")).isEqualTo("Be brief.");
    }

    @Test
    void streamingChatWithUsage() {
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("claude").addUserMessage("stream me please")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            chunks = stream.stream().toList();
        }
        chunks.forEach(c -> c.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));

        assertThat(text.toString()).isEqualTo("echo: stream me please");
        assertThat(chunks).allSatisfy(c -> assertThat(c.model()).isEqualTo("claude"));
        assertThat(chunks.get(chunks.size() - 1).usage().orElseThrow().totalTokens()).isEqualTo(7);
    }

    @Test
    void streamingWithoutUsageHidesTheUsageTheGatewayAskedFor() {
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("claude").addUserMessage("no usage").build())) {
            assertThat(stream.stream().toList()).allSatisfy(c -> {
                assertThat(c.usage()).isEmpty();
                assertThat(c.choices()).isNotEmpty();
            });
        }
    }

    @Test
    void toolCallAndToolResultRoundTrip() {
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model("claude").addUserMessage("weather in Oslo")
                .addTool(WEATHER).build();
        ChatCompletion call = client.chat().completions().create(first);
        ChatCompletionMessageFunctionToolCall toolCall = call.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();

        assertThat(call.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(toolCall.function().name()).isEqualTo("get_weather");
        assertThat(toolCall.function().arguments()).isEqualTo("{\"city\":\"Oslo\"}");

        ChatCompletion answer = client.chat().completions().create(first.toBuilder()
                .addMessage(call.choices().get(0).message())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(toolCall.id()).content("sunny").build())
                .build());

        assertThat(answer.choices().get(0).message().content()).contains("tool results: sunny");
    }

    @Test
    void streamedToolCallsAccumulate() {
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("claude").addUserMessage("parallel lookups for Bergen").addTool(WEATHER)
                .addTool(WEATHER.toBuilder().function(WEATHER.function().toBuilder().name("get_forecast").build()).build()).build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        ChatCompletion completion = accumulator.chatCompletion();
        List<ChatCompletionMessageFunctionToolCall> calls = completion.choices().get(0).message().toolCalls().orElseThrow().stream()
                .map(c -> c.asFunction()).toList();

        assertThat(calls).extracting(c -> c.function().name()).containsExactly("get_weather", "get_forecast");
        assertThat(calls).extracting(c -> c.function().arguments()).containsOnly("{\"city\":\"Bergen\"}");
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    }

    @Test
    void providerErrorsBecomeTheSdksTypedExceptions() {
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder().model("claude-rate-limited")
                .addUserMessage("x").build())).isInstanceOf(RateLimitException.class);
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder().model("claude-overloaded")
                .addUserMessage("x").build())).isInstanceOf(InternalServerException.class);
    }
}
