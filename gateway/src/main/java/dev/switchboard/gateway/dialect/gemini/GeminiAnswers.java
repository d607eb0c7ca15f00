package dev.switchboard.gateway.dialect.gemini;

import dev.switchboard.gateway.dialect.Wire;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.gateway.upstream.TranslatingListener;
import dev.switchboard.gateway.upstream.UpstreamListener;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Gemini's side of the {@link TranslatingListener} between the HTTP exchange and the gateway, so the gateway sees
 * exactly what an OpenAI server would have sent: successful streams are translated event by event, everything else
 * is translated whole (answers and Google errors alike).
 */
final class GeminiAnswers implements TranslatingListener.Translation {

    private static final String JSON = "application/json";

    private final Operation operation;
    private final boolean stream;
    private final boolean includeUsage;
    private final boolean base64;
    private final String model;
    private final String requestId;
    private final long created;

    GeminiAnswers(Operation operation, boolean stream, boolean includeUsage, boolean base64, String model, String requestId, long created) {
        this.operation = operation;
        this.stream = stream;
        this.includeUsage = includeUsage;
        this.base64 = base64;
        this.model = model;
        this.requestId = requestId;
        this.created = created;
    }

    @Override
    public TranslatingListener.Stream stream(int status, MultiMap headers) {
        if (!stream || !Wire.isEventStream(status, headers)) {
            return null;
        }
        return new TranslatingListener.Stream() {
            private final GeminiStream translator = new GeminiStream(this::emit, model, requestId, created, operation == Operation.CHAT,
                    includeUsage);

            @Override
            protected void feed(Buffer chunk) {
                translator.feed(chunk);
            }

            @Override
            protected void end() {
                translator.end();
            }
        };
    }

    @Override
    public void whole(int status, MultiMap headers, Buffer body, UpstreamListener downstream) {
        if (status / 100 != 2) {
            GeminiErrors.Mapped error = GeminiErrors.map(status, body, headers.get("retry-after"));
            MultiMap errorHeaders = MultiMap.caseInsensitiveMultiMap().add("content-type", JSON);
            if (error.retryAfter() != null) {
                errorHeaders.add("retry-after", error.retryAfter());
            }
            respond(downstream, error.status(), errorHeaders, error.envelope());
            return;
        }
        JsonObject gemini;
        try {
            gemini = new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            respond(downstream, 502, MultiMap.caseInsensitiveMultiMap().add("content-type", JSON), GeminiErrors.envelope("upstream_error",
                    "upstream_invalid_response", "Gemini returned a response that is not a JSON object."));
            return;
        }
        JsonObject answer = switch (operation) {
            case CHAT -> GeminiResponses.chatCompletion(gemini, model, requestId, created);
            case COMPLETIONS -> GeminiResponses.textCompletion(gemini, model, requestId, created);
            case EMBEDDINGS -> GeminiEmbeddings.response(gemini, model, base64);
            case MESSAGES, COUNT_TOKENS -> throw new IllegalStateException("GeminiUpstream refuses the Messages API before any call");
        };
        respond(downstream, 200, MultiMap.caseInsensitiveMultiMap().add("content-type", JSON), answer);
    }

    private static void respond(UpstreamListener downstream, int status, MultiMap headers, JsonObject body) {
        downstream.onHead(status, headers);
        downstream.onChunk(body.toBuffer());
        downstream.onEnd();
    }
}
