package dev.switchboard.gateway.dialect;

import dev.switchboard.routing.UpstreamProvider;
import io.vertx.core.MultiMap;

/** The wire facts every dialect reads the same way: whether an answer is a stream, and where a provider lives. */
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

    /** The provider's endpoint without a trailing slash. */
    public static String baseUrl(UpstreamProvider provider) {
        String endpoint = provider.endpoint();
        return endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    }
}
