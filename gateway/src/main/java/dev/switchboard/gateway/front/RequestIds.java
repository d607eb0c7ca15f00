package dev.switchboard.gateway.front;

import java.util.UUID;

import io.vertx.ext.web.RoutingContext;

/** Keeps a caller's x-request-id (so traces join up across hops) or mints one, and echoes it on the response. */
public final class RequestIds {

    private static final String HEADER = "x-request-id";
    private static final int MAX_LENGTH = 128;

    private RequestIds() {
    }

    public static String assign(RoutingContext ctx) {
        String id = ctx.request().getHeader(HEADER);
        // An unbounded or control-character id would poison logs and upstream headers.
        if (id == null || id.isBlank() || id.length() > MAX_LENGTH || !id.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            id = UUID.randomUUID().toString();
        }
        ctx.response().putHeader(HEADER, id);
        return id;
    }
}
