package dev.switchboard.gateway.upstream;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * An OpenAI error envelope produced by an adapter: a provider's own error translated, or a request the adapter
 * refuses before calling the provider. The gateway relays it with its status like any upstream error.
 */
public record ErrorEnvelope(int status, String type, String code, String param, String message) {

    /** A feature the provider cannot serve faithfully: refused rather than dropped. */
    public static ErrorEnvelope unsupported(String provider, String param, String what) {
        return new ErrorEnvelope(400, "invalid_request_error", "unsupported_feature", param,
                what + " is not supported by " + provider + " providers.");
    }

    /** A request too large or too deeply structured to be parsed into a tree for translation (see RequestTrees). */
    public static ErrorEnvelope tooComplex(String message) {
        return new ErrorEnvelope(400, "invalid_request_error", "request_too_complex", null, message);
    }

    public JsonObject toJson() {
        return new JsonObject().put("error", new JsonObject()
                .put("message", message).put("type", type).put("param", param).put("code", code));
    }

    /** Delivers this error as a complete response. */
    public void deliver(UpstreamListener listener, String retryAfter) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
        if (retryAfter != null) {
            headers.add("retry-after", retryAfter);
        }
        listener.onHead(status, headers);
        listener.onChunk(Buffer.buffer(toJson().encode()));
        listener.onEnd();
    }

    /**
     * Answers a call with this error on the next event-loop turn, so the caller holds the call before the
     * listener hears anything; cancelling before then keeps it silent.
     */
    public UpstreamCall answer(Vertx vertx, UpstreamListener listener) {
        boolean[] cancelled = new boolean[1];
        vertx.runOnContext(v -> {
            if (!cancelled[0]) {
                deliver(listener, null);
            }
        });
        return new UpstreamCall() {
            @Override
            public void cancel() {
                cancelled[0] = true;
            }

            @Override
            public void pause() {
                // One small error body: nothing to hold back.
            }

            @Override
            public void resume() {
                // See pause().
            }
        };
    }
}
