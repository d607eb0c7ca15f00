package dev.switchboard.gateway.policy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.dialect.FrameDecoder;
import dev.switchboard.gateway.dialect.anthropic.MessagesAnswers;
import dev.switchboard.gateway.dialect.openai.OpenAiAnswers;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** A stored answer replayed as a stream and assembled again is the same answer, in both dialects. */
class AnswerCodecsTest {

    private static JsonObject roundTrip(AnswerCodec codec, JsonObject whole) {
        AnswerCodec.Assembly assembly = codec.assemble();
        boolean[] done = new boolean[1];
        FrameDecoder decoder = FrameDecoder.sseData((name, data) -> {
            if ("[DONE]".equals(data)) {
                done[0] = true;
            } else {
                assembly.event(new JsonObject(data));
            }
        });
        Buffer stream = codec.stream(whole);
        decoder.feed(stream);
        decoder.finish();
        return assembly.whole(done[0]);
    }

    @Test
    void aChatCompletionWithTextAndToolCallsSurvivesTheStream() {
        JsonObject completion = new JsonObject("""
                {"id":"c1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant",
                "content":"one two three four five six seven eight nine","tool_calls":[{"id":"t1","type":"function",
                "function":{"name":"f","arguments":"{\\"a\\":1}"}}]},"finish_reason":"tool_calls"}],
                "usage":{"prompt_tokens":3,"completion_tokens":9,"total_tokens":12}}
                """);
        assertThat(roundTrip(new OpenAiAnswers(), completion)).isEqualTo(completion);
    }

    @Test
    void aStreamWithoutItsTerminatorIsNotWhole() {
        AnswerCodec.Assembly assembly = new OpenAiAnswers().assemble();
        assembly.event(new JsonObject("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":\"stop\"}]}"));
        assertThat(assembly.whole(false)).isNull();
        assertThat(assembly.whole(true)).isNotNull();
    }

    @Test
    void anAnthropicMessageSurvivesTheStream() {
        JsonObject message = new JsonObject("""
                {"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[
                {"type":"thinking","thinking":"let me think about it","signature":"sig"},
                {"type":"text","text":"the answer is here in words"},
                {"type":"tool_use","id":"tu1","name":"weather","input":{"city":"Paris"}}],
                "stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":12}}
                """);
        assertThat(roundTrip(new MessagesAnswers(), message)).isEqualTo(message);
    }
}
