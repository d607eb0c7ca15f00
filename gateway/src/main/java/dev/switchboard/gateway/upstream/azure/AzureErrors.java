package dev.switchboard.gateway.upstream.azure;

import dev.switchboard.gateway.upstream.UpstreamFailure;
import dev.switchboard.gateway.upstream.UpstreamListener;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * Passes Azure's answers through and puts its errors into OpenAI's shape. Azure's envelopes often lack `type`
 * and `param` and carry the status as `code` ("429"); content-filter refusals (400, `code: content_filter`) keep
 * their `innererror` so clients can see which category fired. Azure's `retry-after-ms` becomes `retry-after`
 * in whole seconds (rounded up) when Azure sent only the former.
 */
final class AzureErrors implements UpstreamListener {

    private final UpstreamListener downstream;
    private int status;
    private MultiMap headers;
    private Buffer error;

    AzureErrors(UpstreamListener downstream) {
        this.downstream = downstream;
    }

    @Override
    public void onHead(int status, MultiMap headers) {
        if (status / 100 == 2) {
            downstream.onHead(status, headers);
            return;
        }
        this.status = status;
        this.headers = headers;
        this.error = Buffer.buffer();
    }

    @Override
    public void onChunk(Buffer chunk) {
        if (error == null) {
            downstream.onChunk(chunk);
        } else {
            error.appendBuffer(chunk);
        }
    }

    @Override
    public void onEnd() {
        if (error == null) {
            downstream.onEnd();
            return;
        }
        MultiMap out = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
        String retryAfter = retryAfter(headers);
        if (retryAfter != null) {
            out.add("retry-after", retryAfter);
        }
        downstream.onHead(status, out);
        downstream.onChunk(envelope(status, error).toBuffer());
        downstream.onEnd();
    }

    @Override
    public void onFailure(UpstreamFailure failure) {
        downstream.onFailure(failure);
    }

    static String retryAfter(MultiMap headers) {
        String seconds = headers.get("retry-after");
        if (seconds != null) {
            return seconds;
        }
        String millis = headers.get("retry-after-ms");
        if (millis == null) {
            return null;
        }
        try {
            return Long.toString(Math.max(1, (long) Math.ceil(Double.parseDouble(millis.strip()) / 1000)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Azure's error body as a complete OpenAI envelope (extra fields such as innererror kept). */
    static JsonObject envelope(int status, Buffer body) {
        JsonObject error = null;
        try {
            if (new JsonObject(body).getValue("error") instanceof JsonObject e) {
                error = e.copy();
            }
        } catch (DecodeException | ClassCastException e) {
            // Not JSON (a gateway or proxy page in front of Azure): described by its status.
        }
        if (error == null) {
            error = new JsonObject().put("message", "Azure OpenAI answered HTTP " + status + ".")
                    .put("code", "upstream_http_" + status);
        }
        if (!(error.getValue("message") instanceof String)) {
            error.put("message", "Azure OpenAI answered HTTP " + status + ".");
        }
        if (error.getValue("type") == null) {
            error.put("type", type(status));
        }
        if (!error.containsKey("param")) {
            error.putNull("param");
        }
        Object code = error.getValue("code");
        error.put("code", code == null ? null : String.valueOf(code));
        return new JsonObject().put("error", error);
    }

    private static String type(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }
}
