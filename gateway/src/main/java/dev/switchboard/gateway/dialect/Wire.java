package dev.switchboard.gateway.dialect;

import dev.switchboard.routing.UpstreamProvider;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The wire facts every dialect reads and writes the same way: whether an answer is a stream, how a client's stream or
 * error response starts, and where a provider lives.
 */
public final class Wire {

    public static final String EVENT_STREAM = "text/event-stream";
    public static final String NDJSON = "application/x-ndjson";

    private Wire() {
    }

    /** A successful answer framed as server-sent events; anything else (errors included) is read whole. */
    public static boolean isEventStream(int status, MultiMap headers) {
        return isEventStream(status, headers.get("content-type"));
    }

    /** See {@link #isEventStream(int, MultiMap)}. */
    public static boolean isEventStream(int status, String contentType) {
        return status / 100 == 2 && contentType != null && contentType.startsWith(EVENT_STREAM);
    }

    /** A successful answer framed as events, either server-sent events or newline-delimited JSON. */
    public static boolean isFramedStream(int status, String contentType) {
        return isEventStream(status, contentType) || status / 100 == 2 && contentType != null && contentType.startsWith(NDJSON);
    }

    /** Starts a client's server-sent-event response: no caching, and no buffering by proxies in between. */
    public static void startEventStream(HttpServerResponse response) {
        response.setStatusCode(200)
                .setChunked(true)
                .putHeader("content-type", EVENT_STREAM)
                .putHeader("cache-control", "no-cache")
                .putHeader("x-accel-buffering", "no");
    }

    /**
     * Ends the exchange with an error in the client's envelope, unless a response was already started (then only the
     * stream can say it, in its own error event).
     */
    public static void sendError(RoutingContext ctx, int status, JsonObject envelope) {
        if (ctx.response().headWritten() || ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(envelope.encode());
    }

    /** The provider's endpoint without a trailing slash. */
    public static String baseUrl(UpstreamProvider provider) {
        String endpoint = provider.endpoint();
        return endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    }
}
