package dev.switchboard.gateway.dialect.openai;

import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.record.RequestRecord;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * An upstream's error answer as an OpenAI-format client gets it (chat, completions, embeddings, Responses): the
 * provider's own OpenAI envelope passed on with its status and Retry-After, so clients see its message and code;
 * a body that is no envelope described by its status; and a provider refusing the gateway's key turned into the
 * gateway's 502, since passing its body on would blame the client and can echo a fragment of the provider key.
 */
public final class UpstreamErrors {

    private UpstreamErrors() {
    }

    /** Writes the client's answer to an upstream error answer and records its status and code; the caller closes the books. */
    public static void relay(HttpServerResponse response, RequestRecord record, int status, String retryAfter, Buffer body) {
        ApiError error;
        if (status == 401 || status == 403) {
            error = ApiError.upstream(502, "upstream_auth_failed", "Provider " + record.provider() + " rejected the gateway's credentials (HTTP "
                    + status + ").");
        } else {
            if (retryAfter != null) {
                response.putHeader("retry-after", retryAfter);
            }
            JsonObject envelope = envelope(body);
            if (envelope != null) {
                JsonObject given = envelope.getJsonObject("error");
                record.ended(status);
                record.failed(given.getValue("code") instanceof String code ? code : given.getString("type", "upstream_error"));
                response.setStatusCode(status).putHeader("content-type", "application/json").end(envelope.toBuffer());
                return;
            }
            error = ApiError.upstream(status, "upstream_http_" + status, "The upstream answered with HTTP status " + status + ".");
        }
        record.ended(error.status());
        record.failed(error.code());
        response.setStatusCode(error.status()).putHeader("content-type", "application/json").end(error.toJson().toBuffer());
    }

    /** The body when it is an OpenAI error envelope, else null. */
    private static JsonObject envelope(Buffer body) {
        try {
            JsonObject json = new JsonObject(body);
            return json.getValue("error") instanceof JsonObject ? json : null;
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
    }
}
