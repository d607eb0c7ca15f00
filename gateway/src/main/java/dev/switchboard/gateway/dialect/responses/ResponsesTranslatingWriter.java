package dev.switchboard.gateway.dialect.responses;

import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.dialect.openai.ChatAnswer;
import dev.switchboard.gateway.dialect.openai.ChatEventStream;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.resilience.ReplyMetering;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Writes an OpenAI chat answer (JSON, or chunks over SSE, as every adapter but the Responses passthrough delivers
 * it) to a /v1/responses client as a Responses API `response` or event stream ({@link ChatToResponse},
 * {@link ChunksToResponseEvents}).
 */
final class ResponsesTranslatingWriter extends ResponsesRelay {

    private final ResponseShell shell;
    private final ChunksToResponseEvents events;

    ResponsesTranslatingWriter(RoutingContext ctx, RequestRecord record, ReplyMetering metering, String publicModel, ResponseShell shell) {
        super(ctx, record, metering, publicModel);
        this.shell = shell;
        this.events = new ChunksToResponseEvents(shell);
        relayEvents(new ChatEventStream(events, record, this::booked, "stream_interrupted", "untranslatable_stream"));
    }

    /** A translated chunk's finish reason and usage, for the books. */
    private void booked(JsonObject chunk) {
        record.usage().finishedWith(events.finishReason());
        if (events.chatUsage() != null) {
            readChatUsage(events.chatUsage());
        }
    }

    @Override
    protected void relayJson() {
        ChatAnswer answer = ChatAnswer.translate(buffered.buffer(), completion -> ChatToResponse.translate(completion, shell), metrics,
                record.provider());
        if (answer == null) {
            fail(ApiError.upstream(502, "upstream_invalid_response", "Provider " + record.provider() + " returned a response that could not be translated."));
            return;
        }
        if (answer.completion().getValue("usage") instanceof JsonObject usage) {
            readChatUsage(usage);
        }
        record.usage().generatedInAll(ResponseShell.generatedChars(answer.translated().getJsonArray("output")));
        record.usage().finishedWith(answer.finishReason());
        answer(200, answer.translated().toBuffer());
    }

    private void readChatUsage(JsonObject usage) {
        JsonObject converted = ResponseShell.usage(usage);
        record.usage().reported(converted.getInteger("input_tokens"), converted.getJsonObject("input_tokens_details").getInteger("cached_tokens"),
                converted.getInteger("output_tokens"));
    }
}
