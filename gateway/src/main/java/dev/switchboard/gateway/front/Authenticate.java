package dev.switchboard.gateway.front;

import dev.switchboard.gateway.access.identity.Authenticator;
import dev.switchboard.gateway.dialect.ApiError;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** Who is calling: a client key or a token, per the table's access rules; refused with the denial's headers otherwise. */
@Singleton
final class Authenticate implements FrontStep {

    @Inject
    Authenticator authenticator;

    @Override
    public void apply(Inbound request, Next next) {
        authenticator.authenticate(request.table(), request.ctx().request().headers()).onSuccess(authentication -> {
            if (!authentication.admitted()) {
                authentication.denial().headers().forEach(request.ctx().response()::putHeader);
                request.refuse(ApiError.of(authentication.denial()));
                return;
            }
            request.caller = authentication.caller();
            request.record().identified(authentication.caller().name(), authentication.subject());
            next.proceed();
        });
    }
}
