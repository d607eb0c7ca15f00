package dev.switchboard.gateway.dialect.responses;

import dev.switchboard.gateway.access.Settlement;
import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.dialect.FrameDecoder;
import dev.switchboard.gateway.dialect.openai.ChatChunks;
import dev.switchboard.gateway.dialect.openai.ChatEventStream;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.telemetry.GatewayMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Writes an OpenAI chat answer (JSON, or chunks over SSE, as every adapter but the Responses passthrough delivers
 * it) to a /v1/responses client as a Responses API `response` or event stream ({@link ChatToResponse},
 * {@link ChunksToResponseEvents}).
 */
final class ResponsesTranslatingWriter extends ResponsesRelay implements ChatChunks.Sink {

    private final GatewayMetrics metrics;
    private final ResponseShell shell;
    private final ChunksToResponseEvents events;
    private final ChatEventStream stream;
    private FrameDecoder decoder;

    ResponsesTranslatingWriter(RoutingContext ctx, RequestRecord record, Settlement settlement, GatewayMetrics metrics, String publicModel,
            ResponseShell shell) {
        super(ctx, record, settlement, publicModel);
        this.metrics = metrics;
        this.shell = shell;
        this.events = new ChunksToResponseEvents(shell);
        this.stream = new ChatEventStream(events, record, this::write, this::endStream, () -> stopUpstream.run(), "stream_interrupted",
                "untranslatable_stream");
    }

    @Override
    protected void streamStarted() {
        decoder = FrameDecoder.sseData((name, data) -> stream.read(data, this));
        stream.start();
    }

    @Override
    protected void streamChunk(Buffer chunk) {
        stream.feed(decoder, chunk);
    }

    @Override
    protected void streamEnded() {
        stream.upstreamEnded(decoder, clientGone);
    }

    @Override
    protected void streamBroke(String message) {
        stream.broke(message);
    }

    @Override
    protected boolean awaitingUsageOnly() {
        return stream.awaitingUsageOnly();
    }

    @Override
    public void error(JsonObject error) {
        record.failed("upstream_stream_error");
        stream.error(error.getValue("code") instanceof String code ? code : "upstream_stream_error",
                error.getValue("message") instanceof String message ? message : "The upstream stream failed.");
    }

    @Override
    public void chunk(JsonObject chunk) {
        stream.chunk(chunk);
        record.usage().finishedWith(events.finishReason());
        if (events.usage() != null) {
            readChatUsage(events.usage());
        }
    }

    @Override
    protected void relayJson() {
        JsonObject completion;
        JsonObject response;
        try {
            completion = new JsonObject(buffered.buffer());
            response = ChatToResponse.translate(completion, shell);
        } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
            metrics.upstreamError(record.provider(), "invalid_response");
            fail(ApiError.upstream(502, "upstream_invalid_response", "Provider " + record.provider() + " returned a response that could not be translated."));
            return;
        }
        if (completion.getValue("usage") instanceof JsonObject usage) {
            readChatUsage(usage);
        }
        record.usage().generatedInAll(ResponseShell.generatedChars(response.getJsonArray("output")));
        if (completion.getJsonArray("choices").getValue(0) instanceof JsonObject choice && choice.getValue("finish_reason") instanceof String reason) {
            record.usage().finishedWith(reason);
        }
        answer(200, response.toBuffer());
    }

    private void readChatUsage(JsonObject usage) {
        JsonObject converted = ResponseShell.usage(usage);
        record.usage().reported(converted.getInteger("input_tokens"), converted.getJsonObject("input_tokens_details").getInteger("cached_tokens"),
                converted.getInteger("output_tokens"));
    }
}
