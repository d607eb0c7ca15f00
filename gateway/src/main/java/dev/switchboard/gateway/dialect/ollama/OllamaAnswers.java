package dev.switchboard.gateway.dialect.ollama;

import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.dialect.FrameDecoder;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.gateway.upstream.TranslatingListener;
import dev.switchboard.gateway.upstream.UpstreamListener;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Ollama's side of the {@link TranslatingListener} between the HTTP transport and the gateway: tells the gateway what
 * an OpenAI server would have said. A successful stream is translated line by line as it arrives; everything else
 * (non-streamed answers, errors) is translated whole.
 */
final class OllamaAnswers implements TranslatingListener.Translation {

    private final Operation operation;
    private final String id;
    private final ToolCallIds ids;
    private final boolean stream;
    private final boolean includeUsage;
    private final boolean base64Embeddings;

    OllamaAnswers(Operation operation, String requestId, boolean stream, boolean includeUsage, boolean base64Embeddings) {
        this.operation = operation;
        this.ids = new ToolCallIds(requestId);
        this.id = (operation == Operation.CHAT ? "chatcmpl-" : "cmpl-") + requestId;
        this.stream = stream;
        this.includeUsage = includeUsage;
        this.base64Embeddings = base64Embeddings;
    }

    @Override
    public TranslatingListener.Stream stream(int status, MultiMap headers) {
        if (!stream || status / 100 != 2) {
            return null;
        }
        OllamaStream chunks = new OllamaStream(operation == Operation.CHAT, id, includeUsage, ids);
        return new TranslatingListener.Stream() {
            private final FrameDecoder lines = FrameDecoder.ndjson(line -> chunks.line(json(line), out()));

            @Override
            protected void feed(Buffer chunk) {
                lines.feed(chunk);
            }

            @Override
            protected void end() {
                // Without Ollama's final line there is no [DONE] either: the gateway then reports the stream as broken.
                lines.finish();
            }
        };
    }

    private static JsonObject json(Buffer line) {
        try {
            return new JsonObject(line);
        } catch (DecodeException | ClassCastException e) {
            return new JsonObject().put("error", "Ollama sent a stream line that is not a JSON object.");
        }
    }

    @Override
    public void whole(int status, MultiMap headers, Buffer body, UpstreamListener downstream) {
        if (status / 100 != 2) {
            downstream.onError(OllamaResponses.error(status, body), headers.get("retry-after"));
            return;
        }
        JsonObject answer;
        try {
            answer = new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            downstream.onError(new ApiError(502, "upstream_error", "upstream_invalid_response", null,
                    "Ollama returned a response that is not a JSON object."), null);
            return;
        }
        JsonObject translated = switch (operation) {
            case CHAT -> OllamaResponses.chatCompletion(answer, id, ids);
            case COMPLETIONS -> OllamaResponses.textCompletion(answer, id);
            case EMBEDDINGS -> OllamaResponses.embeddings(answer, base64Embeddings);
            case MESSAGES, COUNT_TOKENS -> throw new IllegalStateException("OllamaUpstream refuses the Messages API before any call");
        };
        downstream.onHead(200, MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json"));
        downstream.onChunk(translated.toBuffer());
        downstream.onEnd();
    }
}
