package dev.switchboard.gateway.dialect.responses;

import dev.switchboard.gateway.access.Settlement;
import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.dialect.FrameDecoder;
import dev.switchboard.gateway.dialect.openai.ChatChunks;
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
    private FrameDecoder decoder;
    private ChunksToResponseEvents events;
    private Buffer out;
    /** The upstream's stream cannot be carried on: it is cancelled once the error events are out. */
    private boolean abandoned;

    ResponsesTranslatingWriter(RoutingContext ctx, RequestRecord record, Settlement settlement, GatewayMetrics metrics, String publicModel,
            ResponseShell shell) {
        super(ctx, record, settlement, publicModel);
        this.metrics = metrics;
        this.shell = shell;
    }

    @Override
    protected void streamStarted() {
        decoder = FrameDecoder.sseData((name, data) -> {
            if (!events.ended()) {
                ChatChunks.read(data, this);
            }
        });
        events = new ChunksToResponseEvents(shell);
        out = Buffer.buffer();
        events.start(out);
        flush();
    }

    @Override
    protected void streamChunk(Buffer chunk) {
        decoder.feed(chunk);
        flush();
        if (abandoned) {
            // Through the pipeline, so the attempt ends without a verdict and no timer outlives the request.
            stopUpstream.run();
            endStream();
        }
    }

    @Override
    protected void streamEnded() {
        decoder.finish();
        if (clientGone) {
            complete();
            return;
        }
        if (!events.ended()) {
            record.failed("stream_interrupted");
            events.error(out, "stream_interrupted", "The upstream ended the stream before it was complete.");
        }
        flush();
        endStream();
    }

    @Override
    protected void streamBroke(String message) {
        events.error(out, "stream_interrupted", message);
        flush();
        endStream();
    }

    @Override
    protected boolean awaitingUsageOnly() {
        return events != null && events.finishSeen() && events.usage() == null;
    }

    @Override
    public void done() {
        events.finish(out);
    }

    @Override
    public void error(JsonObject error) {
        record.failed("upstream_stream_error");
        events.error(out, error.getValue("code") instanceof String code ? code : "upstream_stream_error",
                error.getValue("message") instanceof String message ? message : "The upstream stream failed.");
    }

    @Override
    public void chunk(JsonObject chunk) {
        String problem = events.chunk(chunk, out);
        record.usage().generatedInAll(events.generatedChars());
        record.usage().finishedWith(events.finishReason());
        if (events.usage() != null) {
            readChatUsage(events.usage());
        }
        if (problem != null) {
            record.failed("untranslatable_stream");
            events.error(out, "untranslatable_stream", problem);
            abandoned = true;
        }
    }

    private void flush() {
        Buffer pending = out;
        out = Buffer.buffer();
        write(pending);
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
