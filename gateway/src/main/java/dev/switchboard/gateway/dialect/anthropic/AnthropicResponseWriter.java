package dev.switchboard.gateway.dialect.anthropic;

import dev.switchboard.gateway.dialect.openai.ChatAnswer;
import dev.switchboard.gateway.dialect.openai.ChatEventStream;
import dev.switchboard.gateway.resilience.ReplyMetering;
import dev.switchboard.gateway.record.RequestRecord;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Writes an OpenAI-format upstream answer (JSON or SSE chunks, as every non-Anthropic adapter delivers it) to a
 * /v1/messages client in Anthropic's format: a `message` object, or Anthropic's event stream; upstream errors
 * become Anthropic error envelopes with Anthropic's statuses (overload is 529).
 */
public final class AnthropicResponseWriter extends MessagesRelay {

    private final String messageId;
    private final ChunksToEvents events;

    public AnthropicResponseWriter(RoutingContext ctx, RequestRecord record, ReplyMetering metering, String publicModel) {
        super(ctx, record, metering, publicModel);
        this.messageId = "msg_" + record.requestId().replaceAll("[^A-Za-z0-9]", "");
        this.events = new ChunksToEvents(messageId, publicModel);
        relayEvents(new ChatEventStream(events, record, this::booked, "api_error", "api_error"));
    }

    /** A translated chunk's finish reason (the first, for the trace) and usage, for the books. */
    private void booked(JsonObject chunk) {
        if (record.usage().finishReason() == null) {
            record.usage().finishedWith(ChatAnswer.finishReason(chunk));
        }
        readUsage(events.usage());
    }

    @Override
    protected void relayJson() {
        ChatAnswer answer = ChatAnswer.translate(buffered.buffer(), completion -> ChatToMessage.translate(completion, messageId, publicModel),
                metrics, record.provider());
        if (answer == null) {
            record.failed("upstream_invalid_response");
            fail(new AnthropicError(502, "api_error", "Provider " + record.provider() + " returned a response that could not be translated."));
            return;
        }
        record.answered();
        record.usage().finishedWith(answer.finishReason());
        if (answer.completion().getValue("usage") instanceof JsonObject usage) {
            readUsage(AnthropicUsage.fromOpenAi(usage));
        } else {
            record.usage().generatedInAll(contentChars(answer.translated().getJsonArray("content")));
        }
        answerJson(200, answer.translated().toBuffer());
    }

    @Override
    protected void relayError() {
        if (upstreamStatus == 401 || upstreamStatus == 403) {
            failUpstreamAuth(upstreamStatus);
            return;
        }
        String message = "The upstream answered with HTTP status " + upstreamStatus + ".";
        try {
            if (new JsonObject(buffered.buffer()).getValue("error") instanceof JsonObject error && error.getValue("message") instanceof String m) {
                message = m;
                record.failed(error.getValue("code") instanceof String code ? code : error.getString("type"));
            }
        } catch (DecodeException | ClassCastException e) {
            // Described by its status.
        }
        if (retryAfter != null) {
            response.putHeader("retry-after", retryAfter);
        }
        fail(AnthropicError.fromUpstream(upstreamStatus, message));
    }

    private void readUsage(AnthropicUsage usage) {
        if (usage != null) {
            record.usage().reported(usage.promptTokens(), usage.cacheReadTokens(), usage.outputTokens());
        }
    }
}
