package dev.switchboard.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.RateLimitException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;

import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.OllamaAzureTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/** The official OpenAI Java SDK through the gateway to an Ollama and an Azure OpenAI provider. */
@QuarkusTest
@QuarkusTestResource(value = OllamaAzureTestResource.class, restrictToAnnotatedClass = true)
class OllamaAzureSdkTest {

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
                                .build())
                        .build())
                .build();
    }

    /** A 200 whose `message` is not an object cannot be translated: a typed 502 at once, not a wait for the deadline. */
    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void anAnswerOllamaSentMalformedIsATyped502(boolean stream) {
        var response = Http.post(java.net.URI.create(v1 + "/chat/completions"),
                "{\"model\":\"llama-malformed\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
        assertThat(Http.error(response).getString("code")).isEqualTo("upstream_invalid_response");
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "azure"})
    void chat(String model) {
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder().model(model)
                .addSystemMessage("be kind").addUserMessage("hello sdk").build());

        assertThat(completion.choices().get(0).message().content()).hasValue("echo: hello sdk [system: be kind]");
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.model()).isEqualTo(model);
        assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "azure"})
    void streamingChatWithUsage(String model) {
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model(model).addUserMessage("stream to the sdk")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            chunks = stream.stream().toList();
        }
        chunks.forEach(c -> c.choices().forEach(choice -> choice.delta().content().ifPresent(text::append)));

        assertThat(text.toString()).isEqualTo("echo: stream to the sdk");
        assertThat(chunks.get(chunks.size() - 1).usage().orElseThrow().completionTokens()).isEqualTo(5);
        assertThat(chunks).anySatisfy(c -> assertThat(c.choices()).anySatisfy(choice ->
                assertThat(choice.finishReason()).hasValue(ChatCompletionChunk.Choice.FinishReason.STOP)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "azure"})
    void toolCallRoundTrip(String model) {
        ChatCompletionCreateParams ask = ChatCompletionCreateParams.builder().model(model).addUserMessage("Oslo").addTool(weatherTool()).build();
        ChatCompletion first = client.chat().completions().create(ask);
        ChatCompletionMessageFunctionToolCall call = first.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();

        assertThat(first.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(call.function().arguments()).isEqualTo("{\"city\":\"Oslo\"}");

        ChatCompletion second = client.chat().completions().create(ask.toBuilder()
                .addMessage(ChatCompletionAssistantMessageParam.builder()
                        .addToolCall(ChatCompletionMessageToolCall.ofFunction(call)).build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.id()).content("12 degrees").build())
                .build());
        assertThat(second.choices().get(0).message().content().orElseThrow()).endsWith("said: 12 degrees");
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama", "azure"})
    void streamedParallelToolCalls(String model) {
        ChatCompletionFunctionTool time = ChatCompletionFunctionTool.builder()
                .function(FunctionDefinition.builder().name("get_time").parameters(FunctionParameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("zone", Map.of("type", "string")))).build()).build())
                .build();
        TreeMap<Long, String[]> calls = new TreeMap<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model(model).addUserMessage("parallel").addTool(weatherTool()).addTool(time).build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> choice.delta().toolCalls().ifPresent(list -> list.forEach(tc -> {
                String[] call = calls.computeIfAbsent(tc.index(), i -> new String[] {null, ""});
                tc.function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::name).ifPresent(n -> call[0] = n);
                tc.function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::arguments).ifPresent(a -> call[1] += a);
            }))));
        }

        assertThat(calls.keySet()).containsExactly(0L, 1L);
        assertThat(calls.get(0L)).containsExactly("get_weather", "{\"city\":\"parallel\"}");
        assertThat(calls.get(1L)).containsExactly("get_time", "{\"zone\":\"parallel\"}");
    }

    @Test
    void embeddings() {
        CreateEmbeddingResponse ollama = client.embeddings().create(EmbeddingCreateParams.builder().model("llama-embed")
                .inputOfArrayOfStrings(List.of("a b", "c")).build());
        CreateEmbeddingResponse azure = client.embeddings().create(EmbeddingCreateParams.builder().model("azure-embed")
                .input("one two three").build());

        assertThat(ollama.data()).hasSize(2);
        assertThat(ollama.data().get(0).embedding()).hasSize(4);
        assertThat(ollama.usage().promptTokens()).isEqualTo(3);
        assertThat(azure.data().get(0).embedding()).containsExactly(0.25f, -0.5f, 0.75f);
        assertThat(azure.model()).isEqualTo("azure-embed");
    }

    @Test
    void completions() {
        Completion ollama = client.completions().create(CompletionCreateParams.builder()
                .model(CompletionCreateParams.Model.of("llama")).prompt("complete me").build());
        Completion azure = client.completions().create(CompletionCreateParams.builder()
                .model(CompletionCreateParams.Model.of("azure-instruct")).prompt("complete me").build());

        assertThat(ollama.choices().get(0).text()).isEqualTo("echo: complete me");
        assertThat(azure.choices().get(0).text()).isEqualTo("echo: complete me");
    }

    @Test
    void typedErrors() {
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("azure-throttled").addUserMessage("x").build())).isInstanceOf(RateLimitException.class);
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("llama").addUserMessage("x").n(2).build()))
                .isInstanceOf(BadRequestException.class).hasMessageContaining("not supported by Ollama");
    }
}
