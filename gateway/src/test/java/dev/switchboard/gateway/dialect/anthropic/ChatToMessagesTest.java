package dev.switchboard.gateway.dialect.anthropic;

import dev.switchboard.gateway.dialect.Untranslatable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The pure OpenAI chat → Anthropic Messages request translation. */
class ChatToMessagesTest {

    private static JsonObject chat(String messages, String extra) {
        return new JsonObject("{\"model\":\"m\",\"messages\":" + messages + (extra.isEmpty() ? "" : "," + extra) + "}");
    }

    private static JsonObject translate(String messages, String extra) throws Untranslatable {
        return ChatToMessages.translate(chat(messages, extra)).body();
    }

    @Test
    void systemAndDeveloperMessagesBecomeTheTopLevelSystemInOrder() throws Exception {
        JsonObject body = translate("[{\"role\":\"system\",\"content\":\"be brief\"},{\"role\":\"developer\",\"content\":[{\"type\":\"text\",\"text\":\"use metric\"}]},"
                + "{\"role\":\"user\",\"content\":\"hi\"}]", "");

        assertThat(body.getJsonArray("system")).isEqualTo(new JsonArray("[{\"type\":\"text\",\"text\":\"be brief\"},{\"type\":\"text\",\"text\":\"use metric\"}]"));
        assertThat(body.getJsonArray("messages")).isEqualTo(new JsonArray("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]"));
        assertThat(body.getInteger("max_tokens")).isEqualTo(ChatToMessages.DEFAULT_MAX_TOKENS);
    }

    @Test
    void consecutiveSameRoleMessagesMergeAndToolResultsBecomeUserBlocksFirst() throws Exception {
        JsonObject body = translate("[{\"role\":\"user\",\"content\":\"weather?\"},{\"role\":\"user\",\"content\":\"in Oslo\"},"
                + "{\"role\":\"assistant\",\"content\":\"Checking.\",\"tool_calls\":[{\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"w\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}},"
                + "{\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"t\",\"arguments\":\"\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_a\",\"content\":\"rain\"},{\"role\":\"tool\",\"tool_call_id\":\"call_b\",\"content\":[{\"type\":\"text\",\"text\":\"12:00\"}]},"
                + "{\"role\":\"user\",\"content\":\"thanks\"}]", "");
        JsonArray turns = body.getJsonArray("messages");

        assertThat(turns).hasSize(3);
        assertThat(turns.getJsonObject(0).getJsonArray("content")).hasSize(2);
        JsonArray assistant = turns.getJsonObject(1).getJsonArray("content");
        assertThat(assistant.getJsonObject(0)).isEqualTo(new JsonObject("{\"type\":\"text\",\"text\":\"Checking.\"}"));
        assertThat(assistant.getJsonObject(1)).isEqualTo(new JsonObject("{\"type\":\"tool_use\",\"id\":\"call_a\",\"name\":\"w\",\"input\":{\"city\":\"Oslo\"}}"));
        assertThat(assistant.getJsonObject(2).getJsonObject("input")).isEqualTo(new JsonObject());
        JsonArray results = turns.getJsonObject(2).getJsonArray("content");
        assertThat(results.getJsonObject(0)).isEqualTo(new JsonObject("{\"type\":\"tool_result\",\"tool_use_id\":\"call_a\",\"content\":\"rain\"}"));
        assertThat(results.getJsonObject(1).getJsonArray("content").getJsonObject(0).getString("text")).isEqualTo("12:00");
        assertThat(results.getJsonObject(2)).isEqualTo(new JsonObject("{\"type\":\"text\",\"text\":\"thanks\"}"));
    }

    @Test
    void imagesBecomeBase64OrUrlSources() throws Exception {
        JsonObject body = translate("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what is this\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\",\"detail\":\"low\"}},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.jpg\"}}]}]", "");
        JsonArray content = body.getJsonArray("messages").getJsonObject(0).getJsonArray("content");

        assertThat(content.getJsonObject(1)).isEqualTo(new JsonObject(
                "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"iVBORw0KGgo=\"}}"));
        assertThat(content.getJsonObject(2)).isEqualTo(new JsonObject(
                "{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://example.com/cat.jpg\"}}"));
    }

    @Test
    void samplingLimitsStopAndUserAreMapped() throws Exception {
        JsonObject body = translate("[{\"role\":\"user\",\"content\":\"hi\"}]",
                "\"max_tokens\":10,\"max_completion_tokens\":20,\"temperature\":0.5,\"top_p\":0.9,\"stop\":\"END\",\"user\":\"u-1\",\"stream\":true,"
                        + "\"stream_options\":{\"include_usage\":true},\"n\":1,\"store\":false,\"presence_penalty\":0");

        assertThat(body.getInteger("max_tokens")).isEqualTo(20);
        assertThat(body.getDouble("temperature")).isEqualTo(0.5);
        assertThat(body.getDouble("top_p")).isEqualTo(0.9);
        assertThat(body.getJsonArray("stop_sequences")).containsExactly("END");
        assertThat(body.getJsonObject("metadata").getString("user_id")).isEqualTo("u-1");
        assertThat(body.getBoolean("stream")).isTrue();
        assertThat(body.fieldNames()).doesNotContain("stream_options", "n", "store", "presence_penalty", "user");
        assertThat(ChatToMessages.translate(chat("[{\"role\":\"user\",\"content\":\"hi\"}]", "\"stream_options\":{\"include_usage\":true}"))
                .includeUsage()).isTrue();
    }

    static Stream<Arguments> toolChoices() {
        return Stream.of(
                Arguments.of("\"tool_choice\":\"auto\"", "{\"type\":\"auto\"}"),
                Arguments.of("\"tool_choice\":\"none\"", "{\"type\":\"none\"}"),
                Arguments.of("\"tool_choice\":\"required\"", "{\"type\":\"any\"}"),
                Arguments.of("\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"w\"}}", "{\"type\":\"tool\",\"name\":\"w\"}"),
                Arguments.of("\"parallel_tool_calls\":false", "{\"type\":\"auto\",\"disable_parallel_tool_use\":true}"),
                Arguments.of("\"tool_choice\":\"required\",\"parallel_tool_calls\":false", "{\"type\":\"any\",\"disable_parallel_tool_use\":true}"));
    }

    @ParameterizedTest
    @MethodSource("toolChoices")
    void toolsAndToolChoice(String extra, String expectedChoice) throws Exception {
        JsonObject body = translate("[{\"role\":\"user\",\"content\":\"hi\"}]",
                "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"w\",\"description\":\"weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]," + extra);

        assertThat(body.getJsonArray("tools").getJsonObject(0)).isEqualTo(new JsonObject(
                "{\"name\":\"w\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}},\"description\":\"weather\"}"));
        assertThat(body.getJsonObject("tool_choice")).isEqualTo(new JsonObject(expectedChoice));
    }

    @Test
    void jsonModeIsForcedThroughOneTool() throws Exception {
        ChatToMessages.Translation translation = ChatToMessages.translate(chat("[{\"role\":\"user\",\"content\":\"hi\"}]",
                "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"answer\",\"schema\":{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}}}"));

        assertThat(translation.jsonTool()).isEqualTo(ChatToMessages.JSON_TOOL);
        assertThat(translation.body().getJsonArray("tools").getJsonObject(0).getJsonObject("input_schema").getJsonObject("properties").containsKey("a")).isTrue();
        assertThat(translation.body().getJsonObject("tool_choice")).isEqualTo(new JsonObject(
                "{\"type\":\"tool\",\"name\":\"json_response\",\"disable_parallel_tool_use\":true}"));
    }

    static Stream<Arguments> refusals() {
        String user = "[{\"role\":\"user\",\"content\":\"hi\"}]";
        return Stream.of(
                Arguments.of(user, "\"n\":2", "n"),
                Arguments.of(user, "\"logprobs\":true", "logprobs"),
                Arguments.of(user, "\"top_logprobs\":2", "top_logprobs"),
                Arguments.of(user, "\"audio\":{\"voice\":\"alloy\",\"format\":\"mp3\"}", "audio"),
                Arguments.of(user, "\"modalities\":[\"text\",\"audio\"]", "modalities"),
                Arguments.of(user, "\"seed\":7", "seed"),
                Arguments.of(user, "\"frequency_penalty\":0.5", "frequency_penalty"),
                Arguments.of(user, "\"logit_bias\":{\"50256\":-100}", "logit_bias"),
                Arguments.of(user, "\"functions\":[{\"name\":\"f\"}]", "functions"),
                Arguments.of(user, "\"temperature\":1.5", "temperature"),
                Arguments.of(user, "\"store\":true", "store"),
                Arguments.of(user, "\"response_format\":{\"type\":\"json_object\"},\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"w\"}}]", "response_format"),
                Arguments.of("[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AA==\",\"format\":\"wav\"}}]}]", "", "messages[0].content[0]"),
                Arguments.of("[{\"role\":\"user\",\"content\":[{\"type\":\"file\",\"file\":{\"file_id\":\"f\"}}]}]", "", "messages[0].content[0]"),
                Arguments.of("[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/tiff;base64,AA==\"}}]}]", "", "messages[0].content[0].image_url"),
                Arguments.of("[{\"role\":\"assistant\",\"content\":\"hello\"},{\"role\":\"user\",\"content\":\"hi\"}]", "", "messages"),
                Arguments.of("[{\"role\":\"system\",\"content\":\"only rules\"}]", "", "messages"),
                // Extended thinking takes default sampling and no forced tool; effort values are OpenAI's.
                Arguments.of(user, "\"reasoning_effort\":\"high\",\"temperature\":0.2", "temperature"),
                Arguments.of(user, "\"reasoning_effort\":\"high\",\"top_p\":0.5", "top_p"),
                Arguments.of(user, "\"reasoning_effort\":\"low\",\"tool_choice\":\"required\",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"w\"}}]", "tool_choice"),
                Arguments.of(user, "\"reasoning_effort\":\"low\",\"response_format\":{\"type\":\"json_object\"}", "response_format"),
                Arguments.of(user, "\"reasoning_effort\":\"extreme\"", "reasoning_effort"),
                Arguments.of("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\",\"cache_control\":{\"type\":\"forever\"}}]}]", "", "messages[0].content[0].cache_control"),
                // Thinking without its signature cannot go back to Anthropic.
                Arguments.of("[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"a\",\"thinking_blocks\":[{\"type\":\"thinking\",\"thinking\":\"t\",\"signature\":\"\"}]}]", "", "messages[1].thinking_blocks[0]"),
                Arguments.of("[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"[1]\"}}]}]", "", "messages[1].tool_calls[0].function.arguments"));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void untranslatableFeaturesAreRefusedByName(String messages, String extra, String param) {
        assertThatThrownBy(() -> translate(messages, extra))
                .isInstanceOfSatisfying(Untranslatable.class, e -> assertThat(e.param()).isEqualTo(param));
    }
}
