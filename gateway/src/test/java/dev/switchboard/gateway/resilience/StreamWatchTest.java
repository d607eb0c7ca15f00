package dev.switchboard.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

/** What counts as content, a terminator and an error event in both stream formats, however the bytes are split. */
class StreamWatchTest {

    private static final String ROLE = "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n";
    private static final String TEXT = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n";

    private static void feed(StreamWatch watch, String text) {
        watch.feed(Buffer.buffer(text));
    }

    @Test
    void keepAlivesAndTheRoleOnlyChunkAreNoContent() {
        StreamWatch watch = StreamWatch.openAi();

        feed(watch, ": keep-alive\n\n" + ROLE);

        assertThat(watch.content()).isFalse();
        feed(watch, TEXT);
        assertThat(watch.content()).isTrue();
        assertThat(watch.terminated()).isFalse();
        feed(watch, "data: [DONE]\n\n");
        assertThat(watch.outcome()).isEqualTo(Outcome.SUCCESS);
    }

    @Test
    void anEventSplitAcrossReadsIsReadWhole() {
        StreamWatch watch = StreamWatch.openAi();
        String text = TEXT.replace("\n\n", "\r\n\r\n");

        feed(watch, text.substring(0, 17));
        assertThat(watch.content()).isFalse();
        feed(watch, text.substring(17));

        assertThat(watch.content()).isTrue();
    }

    @Test
    void aToolCallOrAFinishReasonIsContent() {
        StreamWatch toolCall = StreamWatch.openAi();
        feed(toolCall, "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\"}]}}]}\n\n");
        StreamWatch finish = StreamWatch.openAi();
        feed(finish, "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");

        assertThat(toolCall.content()).isTrue();
        assertThat(finish.content()).isTrue();
    }

    @Test
    void anOpenAiErrorEventIsAFailureEvenAfterContent() {
        StreamWatch watch = StreamWatch.openAi();
        feed(watch, TEXT);

        feed(watch, "data: {\"error\":{\"message\":\"rate limited\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}\n\n");

        assertThat(watch.errored()).isTrue();
        assertThat(watch.outcome()).isEqualTo(Outcome.RATE_LIMITED);
    }

    @Test
    void textMentioningAnErrorIsNoErrorEvent() {
        StreamWatch watch = StreamWatch.openAi();
        feed(watch, TEXT);

        feed(watch, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"the \\\"error\\\" field\"}}]}\n\n");

        assertThat(watch.errored()).isFalse();
    }

    @Test
    void aStreamWithoutItsTerminatorIsBroken() {
        StreamWatch watch = StreamWatch.openAi();
        feed(watch, TEXT);

        assertThat(watch.outcome()).isEqualTo(Outcome.BROKEN);
    }

    @Test
    void anthropicContentStartsWithTheFirstContentBlockAndEndsWithMessageStop() {
        StreamWatch watch = StreamWatch.anthropic();

        feed(watch, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\"}}\n\n"
                + "event: ping\ndata: {\"type\":\"ping\"}\n\n");
        assertThat(watch.content()).isFalse();
        feed(watch, "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
        assertThat(watch.content()).isTrue();
        feed(watch, "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");

        assertThat(watch.outcome()).isEqualTo(Outcome.SUCCESS);
    }

    @Test
    void anAnthropicOverloadBeforeContentIsAServerError() {
        StreamWatch watch = StreamWatch.anthropic();

        feed(watch, "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n");

        assertThat(watch.content()).isFalse();
        assertThat(watch.errored()).isTrue();
        assertThat(watch.outcome()).isEqualTo(Outcome.SERVER_ERROR);
    }

    @Test
    void responsesContentStartsWithTheFirstOutputItemAndEndsWithResponseCompleted() {
        StreamWatch watch = StreamWatch.responses();

        feed(watch, "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_1\"}}\n\n"
                + "event: response.in_progress\ndata: {\"type\":\"response.in_progress\",\"sequence_number\":1,\"response\":{\"id\":\"resp_1\"}}\n\n");
        assertThat(watch.content()).isFalse();
        feed(watch, "event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\",\"sequence_number\":2,"
                + "\"output_index\":0,\"item\":{\"type\":\"message\"}}\n\n");
        assertThat(watch.content()).isTrue();
        assertThat(watch.terminated()).isFalse();
        feed(watch, "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":3,\"response\":{\"id\":\"resp_1\"}}\n\n");

        assertThat(watch.outcome()).isEqualTo(Outcome.SUCCESS);
    }

    @Test
    void aFailedResponseBeforeContentIsTheProvidersFailure() {
        StreamWatch watch = StreamWatch.responses();

        feed(watch, "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"resp_1\"}}\n\n"
                + "event: response.failed\ndata: {\"type\":\"response.failed\",\"sequence_number\":1,\"response\":{\"id\":\"resp_1\","
                + "\"status\":\"failed\",\"error\":{\"code\":\"rate_limit_exceeded\",\"message\":\"slow down\"}}}\n\n");

        assertThat(watch.content()).isFalse();
        assertThat(watch.errored()).isTrue();
        assertThat(watch.outcome()).isEqualTo(Outcome.RATE_LIMITED);
    }

    @Test
    void aResponsesStreamWithoutItsLastEventIsBroken() {
        StreamWatch watch = StreamWatch.responses();

        feed(watch, "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":3,\"delta\":\"Hi\"}\n\n");

        assertThat(watch.content()).isTrue();
        assertThat(watch.outcome()).isEqualTo(Outcome.BROKEN);
    }
}
