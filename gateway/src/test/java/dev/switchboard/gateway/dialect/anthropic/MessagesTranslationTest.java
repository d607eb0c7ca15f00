package dev.switchboard.gateway.dialect.anthropic;

import dev.switchboard.gateway.dialect.Untranslatable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The pure translations behind /v1/messages for non-Anthropic providers, both directions. */
class MessagesTranslationTest {

    @Test
    void requestWithToolUseHistoryBecomesOpenAiMessages() throws Exception {
        JsonObject chat = MessagesToChat.translate(new JsonObject("{\"model\":\"m\",\"max_tokens\":9,\"system\":\"rules\",\"stream\":true,"
                + "\"tool_choice\":{\"type\":\"tool\",\"name\":\"w\"},\"tools\":[{\"name\":\"w\",\"description\":\"d\",\"input_schema\":{\"type\":\"object\"}}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Checking.\"},{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"w\",\"input\":{\"c\":\"Oslo\"}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t1\",\"content\":[{\"type\":\"text\",\"text\":\"rain\"}]},"
                + "{\"type\":\"tool_result\",\"tool_use_id\":\"t2\",\"content\":\"boom\",\"is_error\":true},{\"type\":\"text\",\"text\":\"and?\"}]}]}"));

        assertThat(chat.getJsonArray("messages")).isEqualTo(new JsonArray("["
                + "{\"role\":\"system\",\"content\":\"rules\"},"
                + "{\"role\":\"user\",\"content\":\"weather?\"},"
                + "{\"role\":\"assistant\",\"content\":\"Checking.\",\"tool_calls\":[{\"id\":\"t1\",\"type\":\"function\",\"function\":{\"name\":\"w\",\"arguments\":\"{\\\"c\\\":\\\"Oslo\\\"}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"t1\",\"content\":\"rain\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"t2\",\"content\":\"[tool error] boom\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"and?\"}]}]"));
        assertThat(chat.getValue("tool_choice")).isEqualTo(new JsonObject("{\"type\":\"function\",\"function\":{\"name\":\"w\"}}"));
        assertThat(chat.getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
        assertThat(chat.getInteger("max_tokens")).isEqualTo(9);
    }

    static Stream<Arguments> refusals() {
        String base = "\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        return Stream.of(
                Arguments.of("{" + base + ",\"top_k\":3}", "top_k"),
                Arguments.of("{" + base + ",\"thinking\":{\"type\":\"adaptive\"}}", "thinking.type"),
                Arguments.of("{" + base + ",\"mcp_servers\":[]}", "mcp_servers"),
                // Anthropic's own thinking rules: a budget of at least 1024, below max_tokens.
                Arguments.of("{\"model\":\"m\",\"max_tokens\":5000,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":500},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "thinking.enabled.budget_tokens"),
                Arguments.of("{\"model\":\"m\",\"max_tokens\":2000,\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2000},"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "max_tokens"),
                Arguments.of("{" + base + ",\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]}", "tools.0.type"),
                Arguments.of("{" + base + ",\"unknown\":1}", "unknown"),
                Arguments.of("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "max_tokens"),
                Arguments.of("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"document\",\"source\":{}}]}]}", "messages.0.content.0.type"),
                Arguments.of("{\"model\":\"m\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\","
                        + "\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"https://x/y.png\"}}]}]}]}", "messages.0.content.0.content.0"));
    }

    @ParameterizedTest
    @MethodSource("refusals")
    void untranslatableRequestsAreRefusedByName(String request, String param) {
        assertThatThrownBy(() -> MessagesToChat.translate(new JsonObject(request)))
                .isInstanceOfSatisfying(Untranslatable.class, e -> assertThat(e.param()).isEqualTo(param));
    }

    @Test
    void completionBecomesMessage() {
        JsonObject message = ChatToMessage.translate(new JsonObject("{\"choices\":[{\"index\":0,\"finish_reason\":\"length\",\"message\":{\"role\":\"assistant\","
                + "\"content\":\"partial\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"w\",\"arguments\":\"{\\\"a\\\":1}\"}}]}}],"
                + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":4,\"prompt_tokens_details\":{\"cached_tokens\":6}}}"), "msg_x", "public");

        assertThat(message).isEqualTo(new JsonObject("{\"id\":\"msg_x\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"public\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"partial\"},{\"type\":\"tool_use\",\"id\":\"c1\",\"name\":\"w\",\"input\":{\"a\":1}}],"
                + "\"stop_reason\":\"max_tokens\",\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":4,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":6,\"output_tokens\":4}}"));
    }

    @Test
    void chunksBecomeAnthropicEventsWithOneOpenBlockAtATime() {
        ChunksToEvents events = new ChunksToEvents("msg_1", "public");
        Buffer out = Buffer.buffer();
        List<String> chunks = List.of(
                "{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"a\",\"arguments\":\"\"}}]}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"c2\",\"type\":\"function\",\"function\":{\"name\":\"b\",\"arguments\":\"{\\\"x\\\":1}\"}}]}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}",
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":8}}");
        chunks.forEach(c -> assertThat(events.chunk(new JsonObject(c), out)).isNull());
        events.finish(out);
        List<String> names = new ArrayList<>();
        List<JsonObject> data = new ArrayList<>();
        for (String event : out.toString().split("\n\n")) {
            names.add(event.substring(7, event.indexOf('\n')));
            data.add(new JsonObject(event.substring(event.indexOf("data: ") + 6)));
        }

        assertThat(names).containsExactly("message_start", "ping",
                "content_block_start", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop");
        assertThat(data.get(5).getJsonObject("content_block")).isEqualTo(new JsonObject("{\"type\":\"tool_use\",\"id\":\"c1\",\"name\":\"a\",\"input\":{}}"));
        assertThat(data.get(9).getInteger("index")).isEqualTo(2);
        assertThat(data.get(9).getJsonObject("delta")).isEqualTo(new JsonObject("{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"x\\\":1}\"}"));
        assertThat(data.get(11).getJsonObject("delta").getString("stop_reason")).isEqualTo("tool_use");
        assertThat(data.get(11).getJsonObject("usage").getInteger("input_tokens")).isEqualTo(3);
        assertThat(data.get(11).getJsonObject("usage").getInteger("output_tokens")).isEqualTo(8);
        assertThat(events.ended()).isTrue();
    }

    @Test
    void interleavedParallelToolArgumentsAreReportedNotGarbled() {
        ChunksToEvents events = new ChunksToEvents("msg_1", "public");
        Buffer out = Buffer.buffer();
        events.chunk(new JsonObject("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"c1\",\"function\":{\"name\":\"a\",\"arguments\":\"\"}},"
                + "{\"index\":1,\"id\":\"c2\",\"function\":{\"name\":\"b\",\"arguments\":\"\"}}]}}]}"), out);

        assertThat(events.chunk(new JsonObject("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{}\"}}]}}]}"), out))
                .contains("interleaved");
    }

    @Test
    void upstreamStatusesMapToAnthropicTypes() {
        assertThat(AnthropicError.fromUpstream(503, "busy")).isEqualTo(new AnthropicError(529, "overloaded_error", "busy"));
        assertThat(AnthropicError.fromUpstream(429, "slow")).isEqualTo(new AnthropicError(429, "rate_limit_error", "slow"));
        assertThat(AnthropicError.fromUpstream(400, "bad").type()).isEqualTo("invalid_request_error");
        assertThat(AnthropicError.fromUpstream(504, "late").type()).isEqualTo("api_error");
    }
}
