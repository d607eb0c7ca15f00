package dev.switchboard.gateway.front;

import dev.switchboard.gateway.access.AccessControl;
import dev.switchboard.gateway.dialect.ApiError;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** Access control: the caller's models, rate limits, concurrency and budget; the permit is settled when the request ends. */
@Singleton
final class Admit implements FrontStep {

    @Inject
    AccessControl access;

    @Override
    public void apply(Inbound request, Next next) {
        access.admit(request.table(), request.caller(), request.route(), request.model(), request.estimatedTokens).onSuccess(admission -> {
            admission.headers().forEach(request.ctx().response()::putHeader);
            if (!admission.admitted()) {
                request.refuse(ApiError.of(admission.denial()));
                return;
            }
            request.record().admitted(admission.permit());
            next.proceed();
        });
    }
}
