package dev.switchboard.gateway.http;

import java.util.function.Consumer;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request body up to the table's size limit without blocking. The limit comes from the routing table
 * (settings.maxRequestBodyBytes), so it can change on reload, which a router-wide BodyHandler could not do.
 */
final class BoundedBody {

    private BoundedBody() {
    }

    /** Calls exactly one of onBody or onTooLarge (unless the connection fails, then neither). */
    static void read(HttpServerRequest request, int limit, Consumer<Buffer> onBody, Runnable onTooLarge) {
        String declared = request.getHeader("content-length");
        if (declared != null && isLarger(declared, limit)) {
            onTooLarge.run();
            return;
        }
        Buffer body = Buffer.buffer();
        boolean[] over = { false };
        request.handler(chunk -> {
            if (over[0]) {
                return;
            }
            if (body.length() + chunk.length() > limit) {
                over[0] = true;
                onTooLarge.run();
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(v -> {
            if (!over[0]) {
                onBody.accept(body);
            }
        });
        request.resume();
    }

    private static boolean isLarger(String contentLength, int limit) {
        try {
            return Long.parseLong(contentLength.trim()) > limit;
        } catch (NumberFormatException e) {
            // A malformed length is left to the streaming check, which counts real bytes.
            return false;
        }
    }
}
