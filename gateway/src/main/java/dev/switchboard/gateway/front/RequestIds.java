package dev.switchboard.gateway.front;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

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
            id = mint();
        }
        ctx.response().putHeader(HEADER, id);
        return id;
    }

    /**
     * A random (version 4) UUID from the event loop's own generator. A request id correlates logs, traces and provider
     * records: it must be unique, not unguessable (a client may choose its own), and UUID.randomUUID's SecureRandom
     * costs about a microsecond per request.
     */
    static String mint() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
