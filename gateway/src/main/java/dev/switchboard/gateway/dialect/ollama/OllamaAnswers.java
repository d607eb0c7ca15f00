package dev.switchboard.gateway.dialect.ollama;

import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.dialect.FrameDecoder;
import dev.switchboard.gateway.upstream.ChunkedBody;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.gateway.upstream.UpstreamFailure;
import dev.switchboard.gateway.upstream.UpstreamListener;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Sits between the HTTP transport and the gateway: hears Ollama's response and tells the gateway what an OpenAI
 * server would have said. A successful stream is translated line by line as it arrives; everything else
 * (non-streamed answers, errors) is buffered and translated whole.
 */
final class OllamaListener implements UpstreamListener {

    private final UpstreamListener downstream;
    private final Operation operation;
    private final String id;
    private final ToolCallIds ids;
    private final boolean base64Embeddings;
    private final OllamaStream stream;
    private int status;
    private String retryAfter;
    /** A stream's lines; each translated line is added to {@link #out}, sent once per upstream chunk. */
    private FrameDecoder lines;
    private Buffer out;
    /** Everything else, held whole. */
    private ChunkedBody whole;

    OllamaListener(UpstreamListener downstream, Operation operation, String requestId, boolean stream, boolean includeUsage,
            boolean base64Embeddings) {
        this.downstream = downstream;
        this.operation = operation;
        this.ids = new ToolCallIds(requestId);
        this.id = (operation == Operation.CHAT ? "chatcmpl-" : "cmpl-") + requestId;
        this.base64Embeddings = base64Embeddings;
        this.stream = stream ? new OllamaStream(operation == Operation.CHAT, id, includeUsage, ids) : null;
    }

    @Override
    public void onHead(int status, MultiMap headers) {
        this.status = status;
        this.retryAfter = headers.get("retry-after");
        lines = FrameDecoder.ndjson(this::translateLine);
        out = Buffer.buffer();
        whole = new ChunkedBody();
        if (streaming()) {
            downstream.onHead(200, MultiMap.caseInsensitiveMultiMap().add("content-type", "text/event-stream"));
        }
    }

    private boolean streaming() {
        return stream != null && status / 100 == 2;
    }

    @Override
    public void onChunk(Buffer chunk) {
        if (!streaming()) {
            whole.append(chunk);
            return;
        }
        lines.feed(chunk);
        flush();
    }

    private void flush() {
        if (out.length() > 0) {
            downstream.onChunk(out);
            out = Buffer.buffer();
        }
    }

    private void translateLine(Buffer line) {
        JsonObject json;
        try {
            json = new JsonObject(line);
        } catch (DecodeException | ClassCastException e) {
            json = new JsonObject().put("error", "Ollama sent a stream line that is not a JSON object.");
        }
        stream.line(json, out);
    }

    @Override
    public void onEnd() {
        if (streaming()) {
            lines.finish();
            flush();
            // Without Ollama's final line there is no [DONE] either: the gateway then reports the stream as broken.
            downstream.onEnd();
            return;
        }
        if (status / 100 != 2) {
            downstream.onError(OllamaResponses.error(status, whole.buffer()), retryAfter);
            return;
        }
        JsonObject answer;
        try {
            answer = new JsonObject(whole.buffer());
        } catch (DecodeException | ClassCastException e) {
            downstream.onError(new ApiError(502, "upstream_error", "upstream_invalid_response", null,
                    "Ollama returned a response that is not a JSON object."), null);
            return;
        }
        JsonObject translated = switch (operation) {
            case CHAT -> OllamaResponses.chatCompletion(answer, id, ids);
            case COMPLETIONS -> OllamaResponses.textCompletion(answer, id);
            case EMBEDDINGS -> OllamaResponses.embeddings(answer, base64Embeddings);
            case MESSAGES -> throw new IllegalStateException("OllamaUpstream refuses the Messages API before any call");
        };
        downstream.onHead(200, MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json"));
        downstream.onChunk(translated.toBuffer());
        downstream.onEnd();
    }

    @Override
    public void onFailure(UpstreamFailure failure) {
        downstream.onFailure(failure);
    }
}
