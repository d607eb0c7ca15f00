package dev.switchboard.gateway.dialect.gemini;

import dev.switchboard.gateway.dialect.Wire;
import dev.switchboard.gateway.upstream.ChunkedBody;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.gateway.upstream.UpstreamFailure;
import dev.switchboard.gateway.upstream.UpstreamListener;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Sits between the HTTP exchange with Gemini and the gateway's listener, so the gateway sees exactly what an OpenAI
 * server would have sent: successful streams are translated event by event, everything else is buffered and
 * translated whole (answers and Google errors alike).
 */
final class GeminiRelay implements UpstreamListener {

    private static final String JSON = "application/json";

    private final UpstreamListener downstream;
    private final Operation operation;
    private final boolean stream;
    private final boolean includeUsage;
    private final boolean base64;
    private final String model;
    private final String requestId;
    private final long created;
    private GeminiStream translator;
    private ChunkedBody buffered;
    private int status;
    private String retryAfter;

    GeminiRelay(UpstreamListener downstream, Operation operation, boolean stream, boolean includeUsage, boolean base64, String model,
            String requestId, long created) {
        this.downstream = downstream;
        this.operation = operation;
        this.stream = stream;
        this.includeUsage = includeUsage;
        this.base64 = base64;
        this.model = model;
        this.requestId = requestId;
        this.created = created;
    }

    @Override
    public void onHead(int status, MultiMap headers) {
        this.status = status;
        this.retryAfter = headers.get("retry-after");
        if (stream && Wire.isEventStream(status, headers)) {
            translator = new GeminiStream(downstream::onChunk, model, requestId, created, operation == Operation.CHAT, includeUsage);
            downstream.onHead(200, MultiMap.caseInsensitiveMultiMap().add("content-type", "text/event-stream"));
        } else {
            buffered = new ChunkedBody();
        }
    }

    @Override
    public void onChunk(Buffer chunk) {
        if (translator != null) {
            translator.feed(chunk);
        } else {
            buffered.append(chunk);
        }
    }

    @Override
    public void onEnd() {
        if (translator != null) {
            translator.end();
            downstream.onEnd();
            return;
        }
        if (status / 100 != 2) {
            GeminiErrors.Mapped error = GeminiErrors.map(status, buffered.buffer(), retryAfter);
            MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", JSON);
            if (error.retryAfter() != null) {
                headers.add("retry-after", error.retryAfter());
            }
            respond(error.status(), headers, error.envelope());
            return;
        }
        JsonObject gemini;
        try {
            gemini = new JsonObject(buffered.buffer());
        } catch (DecodeException | ClassCastException e) {
            respond(502, MultiMap.caseInsensitiveMultiMap().add("content-type", JSON), GeminiErrors.envelope("upstream_error",
                    "upstream_invalid_response", "Gemini returned a response that is not a JSON object."));
            return;
        }
        JsonObject answer = switch (operation) {
            case CHAT -> GeminiResponses.chatCompletion(gemini, model, requestId, created);
            case COMPLETIONS -> GeminiResponses.textCompletion(gemini, model, requestId, created);
            case EMBEDDINGS -> GeminiEmbeddings.response(gemini, model, base64);
            case MESSAGES -> throw new IllegalStateException("GeminiUpstream refuses the Messages API before any call");
        };
        respond(200, MultiMap.caseInsensitiveMultiMap().add("content-type", JSON), answer);
    }

    @Override
    public void onFailure(UpstreamFailure failure) {
        // Mid-stream, what was translated so far has been passed on; the gateway ends the stream with an error event.
        downstream.onFailure(failure);
    }

    private void respond(int status, MultiMap headers, JsonObject body) {
        downstream.onHead(status, headers);
        downstream.onChunk(body.toBuffer());
        downstream.onEnd();
    }
}
