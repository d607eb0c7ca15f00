package dev.switchboard.gateway.dialect.anthropic;

import dev.switchboard.gateway.dialect.FrameDecoder;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** Anthropic responses (JSON, SSE, errors) → OpenAI format. */
class MessageTranslationTest {

    @Test
    void messageBecomesChatCompletionWithToolCallsFinishReasonAndCachedUsage() {
        JsonObject message = new JsonObject("{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"Calling.\"},{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"w\",\"input\":{\"city\":\"Oslo\"}}],"
                + "\"stop_reason\":\"tool_use\",\"stop_sequence\":null,"
                + "\"usage\":{\"input_tokens\":5,\"cache_read_input_tokens\":10,\"cache_creation_input_tokens\":2,\"output_tokens\":7}}");

        JsonObject completion = MessageToChat.translate(message, null, 1);
        JsonObject choice = completion.getJsonArray("choices").getJsonObject(0);

        assertThat(choice.getString("finish_reason")).isEqualTo("tool_calls");
        assertThat(choice.getJsonObject("message").getString("content")).isEqualTo("Calling.");
        assertThat(choice.getJsonObject("message").getJsonArray("tool_calls").getJsonObject(0)).isEqualTo(new JsonObject(
                "{\"id\":\"toolu_1\",\"type\":\"function\",\"function\":{\"name\":\"w\",\"arguments\":\"{\\\"city\\\":\\\"Oslo\\\"}\"}}"));
        assertThat(completion.getJsonObject("usage")).isEqualTo(new JsonObject(
                "{\"prompt_tokens\":17,\"completion_tokens\":7,\"total_tokens\":24,\"prompt_tokens_details\":{\"cached_tokens\":10}}"));
    }

    @Test
    void stopReasonsMapToFinishReasons() {
        assertThat(StopReasons.toFinishReason("end_turn")).isEqualTo("stop");
        assertThat(StopReasons.toFinishReason("stop_sequence")).isEqualTo("stop");
        assertThat(StopReasons.toFinishReason("max_tokens")).isEqualTo("length");
        assertThat(StopReasons.toFinishReason("tool_use")).isEqualTo("tool_calls");
        assertThat(StopReasons.toStopReason("length")).isEqualTo("max_tokens");
        assertThat(StopReasons.toStopReason("tool_calls")).isEqualTo("tool_use");
        assertThat(StopReasons.toStopReason("stop")).isEqualTo("end_turn");
    }

    @Test
    void streamEventsBecomeChunksInOpenAiOrder() {
        MessageStreamToChunks stream = new MessageStreamToChunks(null, true, 1);
        Buffer out = Buffer.buffer();
        List<String> events = List.of(
                "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude\",\"usage\":{\"input_tokens\":4,\"output_tokens\":1}}}",
                "{\"type\":\"ping\"}",
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}",
                "{\"type\":\"content_block_stop\",\"index\":0}",
                "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"w\",\"input\":{}}}",
                "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}",
                "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":\"}}",
                "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"1}\"}}",
                "{\"type\":\"content_block_stop\",\"index\":1}",
                "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":9}}",
                "{\"type\":\"message_stop\"}");
        events.forEach(e -> stream.event(new JsonObject(e), out));
        List<String> data = data(out);

        assertThat(data).hasSize(8);
        assertThat(delta(data.get(0))).isEqualTo(new JsonObject("{\"role\":\"assistant\",\"content\":\"\"}"));
        assertThat(delta(data.get(1))).isEqualTo(new JsonObject("{\"content\":\"Hi\"}"));
        assertThat(delta(data.get(2))).isEqualTo(new JsonObject(
                "{\"tool_calls\":[{\"index\":0,\"id\":\"toolu_1\",\"type\":\"function\",\"function\":{\"name\":\"w\",\"arguments\":\"\"}}]}"));
        assertThat(delta(data.get(3)).getJsonArray("tool_calls").getJsonObject(0).getJsonObject("function").getString("arguments")).isEqualTo("{\"a\":");
        assertThat(delta(data.get(4)).getJsonArray("tool_calls").getJsonObject(0).getJsonObject("function").getString("arguments")).isEqualTo("1}");
        assertThat(new JsonObject(data.get(5)).getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("tool_calls");
        assertThat(new JsonObject(data.get(6)).getJsonArray("choices")).isEmpty();
        assertThat(new JsonObject(data.get(6)).getJsonObject("usage").getInteger("completion_tokens")).isEqualTo(9);
        assertThat(data.get(7)).isEqualTo("[DONE]");
        assertThat(stream.ended()).isTrue();
    }

    @Test
    void streamErrorEventBecomesAnOpenAiErrorEvent() {
        MessageStreamToChunks stream = new MessageStreamToChunks(null, false, 1);
        Buffer out = Buffer.buffer();
        stream.event(new JsonObject("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"), out);

        JsonObject error = new JsonObject(data(out).get(0)).getJsonObject("error");
        assertThat(error.getString("code")).isEqualTo("overloaded_error");
        assertThat(error.getString("message")).isEqualTo("Overloaded");
        assertThat(stream.ended()).isTrue();
    }

    @Test
    void errorsMapToOpenAiStatusesAndEnvelopes() {
        AnthropicErrors.Mapped overloaded = AnthropicErrors.map(529,
                Buffer.buffer("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"));
        AnthropicErrors.Mapped limited = AnthropicErrors.map(429,
                Buffer.buffer("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}"));
        AnthropicErrors.Mapped html = AnthropicErrors.map(502, Buffer.buffer("<html>bad gateway</html>"));

        assertThat(overloaded.status()).isEqualTo(503);
        assertThat(overloaded.envelope().getJsonObject("error").getString("code")).isEqualTo("overloaded_error");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.envelope().getJsonObject("error").getString("type")).isEqualTo("rate_limit_error");
        assertThat(html.status()).isEqualTo(502);
        assertThat(html.envelope().getJsonObject("error").getString("code")).isEqualTo("api_error");
    }

    private static List<String> data(Buffer out) {
        List<String> data = new ArrayList<>();
        FrameDecoder.sseData((name, d) -> data.add(d)).feed(out);
        return data;
    }

    private static JsonObject delta(String chunk) {
        return new JsonObject(chunk).getJsonArray("choices").getJsonObject(0).getJsonObject("delta");
    }
}
