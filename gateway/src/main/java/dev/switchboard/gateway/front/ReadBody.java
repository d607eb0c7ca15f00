package dev.switchboard.gateway.front;

import dev.switchboard.gateway.dialect.ApiError;
import jakarta.inject.Singleton;

/** The body, up to the table's limit; a larger one is a 413 that closes the connection (see {@link BoundedBody}). */
@Singleton
final class ReadBody implements FrontStep {

    @Override
    public void apply(Inbound request, Next next) {
        int limit = request.table().table().settings().maxRequestBodyBytes();
        BoundedBody.read(request.ctx(), limit, body -> {
            request.raw = body;
            next.proceed();
        }, () -> {
            request.ctx().response().putHeader("connection", "close");
            request.refuse(new ApiError(413, "invalid_request_error", "request_too_large", null,
                    "The request body exceeds the limit of " + limit + " bytes."));
        });
    }
}
