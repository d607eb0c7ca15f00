package dev.switchboard.gateway.http.anthropic;

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

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.InternalServerException;
import com.anthropic.errors.NotFoundException;
import com.anthropic.errors.PermissionDeniedException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;

import dev.switchboard.gateway.testing.AnthropicSdkTransport;
import dev.switchboard.gateway.testing.AnthropicTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * The official Anthropic Java SDK against the gateway's /v1/messages, backed by an Anthropic provider (passthrough,
 * AnthropicSimulator) and by an OpenAI provider (translated, OpenAiSimulator), streaming and not, with tool use.
 */
@QuarkusTest
@QuarkusTestResource(value = AnthropicTestResource.class, restrictToAnnotatedClass = true)
class AnthropicSdkTest {

    private static final Tool WEATHER = Tool.builder().name("get_weather").description("Weather for a city")
            .inputSchema(Tool.InputSchema.builder()
                    .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                    .required(List.of("city")).build())
            .build();

    @TestHTTPResource("/")
    URL root;

    AnthropicClient client;

    @BeforeEach
    void connect() {
        client = AnthropicSdkTransport.client(root.toString(), AnthropicTestResource.CLIENT_KEY);
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    static Stream<Arguments> backends() {
        return Stream.of(Arguments.of("claude", false), Arguments.of("claude", true), Arguments.of("gpt", false), Arguments.of("gpt", true));
    }

    private Message send(MessageCreateParams params, boolean stream) {
        if (!stream) {
            return client.messages().create(params);
        }
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> events = client.messages().createStreaming(params)) {
            events.stream().forEach(accumulator::accumulate);
        }
        return accumulator.message();
    }

    private static String text(Message message) {
        StringBuilder text = new StringBuilder();
        message.content().stream().filter(ContentBlock::isText).forEach(b -> text.append(b.asText().text()));
        return text.toString();
    }

    @ParameterizedTest(name = "{0}, stream={1}")
    @MethodSource("backends")
    void textWithSystemPrompt(String model, boolean stream) {
        Message message = send(MessageCreateParams.builder().model(model).maxTokens(200).system("Be brief.")
                .addUserMessage("hello gateway").build(), stream);

        assertThat(text(message)).isEqualTo("echo: hello gateway");
        assertThat(message.model().asString()).isEqualTo(model);
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
        assertThat(message.usage().outputTokens()).isPositive();
        assertThat(message.usage().inputTokens()).isPositive();
        if (model.equals("claude")) {
            JsonObject sent = AnthropicTestResource.anthropic().last().body();
            assertThat(sent.getString("model")).isEqualTo("claude-sim");
            assertThat(sent.getString("system")).isEqualTo("Be brief.");
        } else {
            JsonObject sent = AnthropicTestResource.openAi().last().body();
            assertThat(sent.getString("model")).isEqualTo("upstream-gpt");
            assertThat(sent.getJsonArray("messages").getJsonObject(0)).isEqualTo(new JsonObject("{\"role\":\"system\",\"content\":\"Be brief.\"}"));
            assertThat(sent.getInteger("max_tokens")).isEqualTo(200);
        }
    }

    @ParameterizedTest(name = "{0}, stream={1}")
    @MethodSource("backends")
    void toolUseRoundTrip(String model, boolean stream) {
        MessageCreateParams first = MessageCreateParams.builder().model(model).maxTokens(200).addTool(WEATHER)
                .addUserMessage("weather in Oslo").build();
        Message call = send(first, stream);

        assertThat(call.stopReason()).contains(StopReason.TOOL_USE);
        ToolUseBlock toolUse = call.content().stream().filter(ContentBlock::isToolUse).findFirst().orElseThrow().asToolUse();
        assertThat(toolUse.name()).isEqualTo("get_weather");
        assertThat(toolUse.id()).isNotBlank();
        if (model.equals("claude")) {
            assertThat(toolUse._input().convert(Map.class)).isEqualTo(Map.of("city", "Oslo"));
        } else {
            assertThat(AnthropicTestResource.openAi().last().body().getJsonArray("tools").getJsonObject(0).getJsonObject("function")
                    .getJsonObject("parameters").getJsonArray("required")).containsExactly("city");
        }

        Message answer = send(first.toBuilder().addMessage(call)
                .addUserMessageOfBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId(toolUse.id()).content("rain, 4 degrees").build())))
                .build(), stream);

        assertThat(text(answer)).contains("rain, 4 degrees");
        assertThat(answer.stopReason()).contains(StopReason.END_TURN);
    }

    @Test
    void anyProviderTypeServesMessages() {
        Message message = client.messages().create(MessageCreateParams.builder().model("sim").maxTokens(4).addUserMessage("same prompt").build());

        assertThat(text(message).split(" ")).hasSize(4);
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
    }

    @Test
    void errorsSurfaceAsTheSdksTypedExceptions() {
        MessageCreateParams.Builder hi = MessageCreateParams.builder().maxTokens(10).addUserMessage("hi");

        assertThatThrownBy(() -> client.messages().create(hi.model("gpt-rate-limited").build())).isInstanceOf(RateLimitException.class);
        assertThatThrownBy(() -> client.messages().create(hi.model("claude-rate-limited").build())).isInstanceOf(RateLimitException.class);
        assertThatThrownBy(() -> client.messages().create(hi.model("claude-overloaded").build())).isInstanceOf(InternalServerException.class);
        assertThatThrownBy(() -> client.messages().create(hi.model("no-such-model").build())).isInstanceOf(NotFoundException.class);
        AnthropicClient limited = AnthropicSdkTransport.client(root.toString(), AnthropicTestResource.LIMITED_KEY);
        AnthropicClient stranger = AnthropicSdkTransport.client(root.toString(), "sk-unknown");
        try {
            assertThatThrownBy(() -> limited.messages().create(hi.model("claude").build())).isInstanceOf(PermissionDeniedException.class);
            assertThatThrownBy(() -> stranger.messages().create(hi.model("claude").build())).isInstanceOf(UnauthorizedException.class);
        } finally {
            limited.close();
            stranger.close();
        }
    }
}
