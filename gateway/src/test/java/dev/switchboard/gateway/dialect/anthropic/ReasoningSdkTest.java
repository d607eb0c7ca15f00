package dev.switchboard.gateway.dialect.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.MessageTokensCount;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.ThinkingBlock;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.ReasoningEffort;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.openai.models.completions.CompletionUsage;

import dev.switchboard.gateway.testing.AnthropicSdkTransport;
import dev.switchboard.gateway.testing.AnthropicTestResource;
import dev.switchboard.gateway.testing.OpenAiSimulator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Reasoning, token counting and prompt caching through the gateway with the official SDKs: the Anthropic SDK's
 * extended thinking (streamed and not) and countTokens against an Anthropic target (AnthropicSimulator: signed
 * thinking blocks, thinking and signature deltas, counting) and an OpenAI-typed one (OpenAiSimulator: reasoning_content);
 * the OpenAI SDK reading reasoning back from an Anthropic target, round trip with signed thinking included; cached
 * tokens in each client's own usage fields.
 */
@QuarkusTest
@QuarkusTestResource(value = AnthropicTestResource.class, restrictToAnnotatedClass = true)
class ReasoningSdkTest {

    private static final ChatCompletionFunctionTool WEATHER = ChatCompletionFunctionTool.builder()
            .function(FunctionDefinition.builder().name("get_weather").description("Weather for a city")
                    .parameters(FunctionParameters.builder()
                            .putAdditionalProperty("type", JsonValue.from("object"))
                            .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                            .build())
                    .build())
            .build();

    @TestHTTPResource("/")
    URL root;

    AnthropicClient anthropic;
    OpenAIClient openAi;

    @BeforeEach
    void connect() {
        anthropic = AnthropicSdkTransport.client(root.toString(), AnthropicTestResource.CLIENT_KEY);
        openAi = OpenAIOkHttpClient.builder().baseUrl(root + "v1").apiKey(AnthropicTestResource.CLIENT_KEY).maxRetries(0).build();
    }

    @AfterEach
    void disconnect() {
        anthropic.close();
        openAi.close();
    }

    static Stream<Arguments> backends() {
        return Stream.of(Arguments.of("claude", false), Arguments.of("claude", true), Arguments.of("gpt", false), Arguments.of("gpt", true));
    }

    private Message send(MessageCreateParams params, boolean stream) {
        if (!stream) {
            return anthropic.messages().create(params);
        }
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> events = anthropic.messages().createStreaming(params)) {
            events.stream().forEach(accumulator::accumulate);
        }
        return accumulator.message();
    }

    // The Anthropic SDK's extended thinking

    @ParameterizedTest(name = "{0}, stream={1}")
    @MethodSource("backends")
    void extendedThinkingAgainstEveryTargetType(String model, boolean stream) {
        MessageCreateParams first = MessageCreateParams.builder().model(model).maxTokens(16_000).enabledThinking(10_000)
                .addUserMessage("how far is the moon").build();
        Message message = send(first, stream);

        assertThat(message.content()).hasSize(2);
        ThinkingBlock thinking = message.content().get(0).asThinking();
        assertThat(message.content().get(1).asText().text()).isEqualTo("echo: how far is the moon");
        if (model.equals("claude")) {
            // Untranslated: Claude's own thinking, signed.
            assertThat(thinking.thinking()).isEqualTo("Thinking about how far is the moon within 10000");
            assertThat(thinking.signature()).startsWith("sig").endsWith("==");
        } else {
            // Translated: the budget became an effort, the limit max_completion_tokens, the reasoning a thinking block
            // with an empty signature (only Anthropic signs thinking).
            JsonObject sent = AnthropicTestResource.openAi().last().body();
            assertThat(sent.getString("reasoning_effort")).isEqualTo("medium");
            assertThat(sent.getInteger("max_completion_tokens")).isEqualTo(16_000);
            assertThat(sent.containsKey("max_tokens")).isFalse();
            assertThat(thinking.thinking()).isEqualTo("Reasoning medium before answering");
            assertThat(thinking.signature()).isEmpty();
        }

        // The thinking goes back in the history: Anthropic checks its signature, other targets leave it out.
        Message next = send(first.toBuilder().addMessage(message).addUserMessage("and the sun").build(), stream);
        assertThat(next.content().get(next.content().size() - 1).asText().text()).isEqualTo("echo: and the sun");
        if (model.equals("claude")) {
            JsonObject assistant = AnthropicTestResource.anthropic().last().body().getJsonArray("messages").getJsonObject(1);
            assertThat(assistant.getJsonArray("content").getJsonObject(0).getString("signature")).isEqualTo(thinking.signature());
        } else {
            JsonObject assistant = AnthropicTestResource.openAi().last().body().getJsonArray("messages").getJsonObject(1);
            assertThat(assistant).isEqualTo(new JsonObject().put("role", "assistant").put("content", "echo: how far is the moon"));
        }
    }

    @Test
    void redactedThinkingComesBackAsItCame() {
        Message message = send(MessageCreateParams.builder().model("claude").maxTokens(4_000).enabledThinking(2_000)
                .addUserMessage("something redacted").build(), true);

        assertThat(message.content().get(0).isRedactedThinking()).isTrue();
        assertThat(message.content().get(1).isThinking()).isTrue();
    }

    // countTokens

    @ParameterizedTest
    @ValueSource(strings = { "claude", "gpt" })
    void countTokensAgainstEveryTargetType(String model) {
        int openAiCalls = AnthropicTestResource.openAi().received().size();
        MessageCountTokensParams params = MessageCountTokensParams.builder().model(model).system("Be brief.")
                .addUserMessage("count these four words").build();
        try (HttpResponseFor<MessageTokensCount> response = anthropic.messages().withRawResponse().countTokens(params)) {
            MessageTokensCount count = response.parse();
            if (model.equals("claude")) {
                // The simulator counts words: the system prompt's two and the message's four.
                assertThat(count.inputTokens()).isEqualTo(6);
                assertThat(response.headers().values("x-switchboard-token-count")).isEmpty();
                assertThat(AnthropicTestResource.anthropic().last().path()).isEqualTo("/v1/messages/count_tokens");
            } else {
                assertThat(count.inputTokens()).isPositive();
                assertThat(response.headers().values("x-switchboard-token-count")).containsExactly("estimate");
                assertThat(AnthropicTestResource.openAi().received()).hasSize(openAiCalls);
            }
        }
    }

    // The OpenAI SDK reading reasoning from an Anthropic target

    private static String reasoning(Map<String, JsonValue> properties) {
        JsonValue value = properties.get("reasoning_content");
        return value == null ? null : value.convert(String.class);
    }

    @Test
    void theOpenAiSdkReadsReasoningFromAnAnthropicTarget() {
        ChatCompletion completion = openAi.chat().completions().create(ChatCompletionCreateParams.builder().model("claude")
                .reasoningEffort(ReasoningEffort.MEDIUM).maxCompletionTokens(500).addUserMessage("how far is the moon").build());

        ChatCompletionMessage message = completion.choices().get(0).message();
        assertThat(message.content()).contains("echo: how far is the moon");
        assertThat(reasoning(message._additionalProperties())).isEqualTo("Thinking about how far is the moon within 8192");
        JsonObject sent = AnthropicTestResource.anthropic().last().body();
        assertThat(sent.getJsonObject("thinking")).isEqualTo(new JsonObject().put("type", "enabled").put("budget_tokens", 8192));
        assertThat(sent.getInteger("max_tokens")).isEqualTo(500 + 8192);
    }

    @Test
    void theOpenAiSdkStreamsReasoningFromAnAnthropicTarget() {
        StringBuilder reasoning = new StringBuilder();
        StringBuilder text = new StringBuilder();
        JsonArray signed = new JsonArray();
        try (StreamResponse<ChatCompletionChunk> chunks = openAi.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("claude").reasoningEffort(ReasoningEffort.LOW).addUserMessage("how far is the moon").build())) {
            chunks.stream().filter(c -> !c.choices().isEmpty()).map(c -> c.choices().get(0).delta()).forEach(delta -> {
                String part = reasoning(delta._additionalProperties());
                if (part != null) {
                    assertThat(text).as("reasoning comes before the answer").isEmpty();
                    reasoning.append(part);
                }
                delta.content().ifPresent(text::append);
                JsonValue blocks = delta._additionalProperties().get("thinking_blocks");
                if (blocks != null) {
                    signed.addAll(new JsonArray(blocks.convert(List.class)));
                }
            });
        }
        assertThat(reasoning.toString()).isEqualTo("Thinking about how far is the moon within 2048");
        assertThat(text.toString()).isEqualTo("echo: how far is the moon");
        assertThat(signed).hasSize(1);
        assertThat(signed.getJsonObject(0).getString("thinking")).isEqualTo(reasoning.toString());
        assertThat(signed.getJsonObject(0).getString("signature")).startsWith("sig");
    }

    @Test
    void aToolUseWithThinkingContinuesWithTheSignedThinking() {
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model("claude").reasoningEffort(ReasoningEffort.LOW)
                .addTool(WEATHER).addUserMessage("weather in Oslo").build();
        ChatCompletionMessage call = openAi.chat().completions().create(first).choices().get(0).message();
        assertThat(call.toolCalls()).isPresent();
        JsonValue thinkingBlocks = call._additionalProperties().get("thinking_blocks");
        assertThat(thinkingBlocks).isNotNull();

        ChatCompletion answer = openAi.chat().completions().create(first.toBuilder()
                .addMessage(call.toParam().toBuilder().putAdditionalProperty("thinking_blocks", thinkingBlocks).build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.toolCalls().get().get(0).asFunction().id())
                        .content("rain, 4 degrees").build())
                .build());

        assertThat(answer.choices().get(0).message().content()).hasValueSatisfying(t -> assertThat(t).contains("rain, 4 degrees"));
        JsonObject assistant = AnthropicTestResource.anthropic().last().body().getJsonArray("messages").getJsonObject(1);
        JsonObject thinking = assistant.getJsonArray("content").getJsonObject(0);
        assertThat(thinking.getString("type")).isEqualTo("thinking");
        assertThat(thinking.getString("signature")).startsWith("sig");
    }

    @Test
    void aToolUseWithThinkingContinuedWithoutItsThinkingGetsAnthropicsRefusal() {
        ChatCompletionCreateParams first = ChatCompletionCreateParams.builder().model("claude").reasoningEffort(ReasoningEffort.LOW)
                .addTool(WEATHER).addUserMessage("weather in Oslo").build();
        ChatCompletionMessage call = openAi.chat().completions().create(first).choices().get(0).message();

        // A client that drops thinking_blocks from the assistant turn: Anthropic cannot continue the tool use.
        ChatCompletionCreateParams next = first.toBuilder()
                .addMessage(call.toParam().toBuilder().additionalProperties(Map.of()).build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId(call.toolCalls().get().get(0).asFunction().id())
                        .content("rain, 4 degrees").build())
                .build();
        assertThatThrownBy(() -> openAi.chat().completions().create(next)).isInstanceOfSatisfying(BadRequestException.class,
                e -> assertThat(e.getMessage()).contains("must start with a thinking block"));
    }

    // Prompt caching

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void aChatClientsCacheControlReachesAnthropicAndItsCacheReadsComeBack(boolean stream) {
        ChatCompletionContentPart cached = ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder()
                .text("a long manual to cache").putAdditionalProperty("cache_control", JsonValue.from(Map.of("type", "ephemeral"))).build());
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("claude-cached")
                .addUserMessageOfArrayOfContentParts(List.of(cached, ChatCompletionContentPart.ofText(
                        ChatCompletionContentPartText.builder().text("question").build())))
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        CompletionUsage usage;
        if (stream) {
            try (StreamResponse<ChatCompletionChunk> chunks = openAi.chat().completions().createStreaming(params)) {
                usage = chunks.stream().filter(c -> c.usage().isPresent()).findFirst().orElseThrow().usage().orElseThrow();
            }
        } else {
            usage = openAi.chat().completions().create(params).usage().orElseThrow();
        }

        JsonObject block = AnthropicTestResource.anthropic().last().body().getJsonArray("messages").getJsonObject(0)
                .getJsonArray("content").getJsonObject(0);
        assertThat(block.getJsonObject("cache_control")).isEqualTo(new JsonObject().put("type", "ephemeral"));
        // The simulator reads all but one input token from the cache: the six words of the prompt.
        assertThat(usage.promptTokens()).isEqualTo(6);
        assertThat(usage.promptTokensDetails().orElseThrow().cachedTokens()).hasValue(5L);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void aMessagesClientSeesAnOpenAiTargetsCachedTokensAsCacheReads(boolean stream) {
        Message message = send(MessageCreateParams.builder().model("gpt-cached").maxTokens(100).addUserMessage("cached prompt").build(), stream);

        assertThat(message.usage().cacheReadInputTokens()).hasValue((long) OpenAiSimulator.CACHED_TOKENS);
        assertThat(message.usage().inputTokens()).isEqualTo(5 - OpenAiSimulator.CACHED_TOKENS);
    }
}
