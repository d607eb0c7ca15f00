package dev.switchboard.gateway.access.identity;

import java.time.Clock;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.switchboard.gateway.access.CallersContext;
import dev.switchboard.gateway.access.ClientKeys;
import dev.switchboard.gateway.access.ClientKeys.Caller;
import dev.switchboard.gateway.access.Denial;
import dev.switchboard.gateway.access.KeyDigest;
import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.routing.AccessRules;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The authentication step of every client endpoint: the credential in `Authorization: Bearer` or `x-api-key` is a
 * client key or a JWT of a trusted issuer. Its SHA-256 digest is computed once: it looks up the keys, and then the
 * cache of verified tokens. A value shaped like a JWT that is no key is verified as a token; anything else is an
 * unknown key. Completes at once unless a token needs keys the gateway has yet to fetch, and then on the caller's
 * own context. Never fails.
 */
@Singleton
public class Authenticator {

    @Inject
    KeySources sources;
    @Inject
    IdentityMetrics metrics;
    @Inject
    Clock clock;

    /** Verified tokens kept per served table, by digest, until they expire; 0 verifies every token every time. */
    @ConfigProperty(name = "switchboard.identity.token-cache-size", defaultValue = "10000")
    int cacheSize;

    /** The token side of the table being served; rebuilt only when a new table is served. */
    private record Index(ActiveTable table, TokenIdentities identities) {
    }

    private volatile Index index;

    public Future<Authentication> authenticate(ActiveTable table, MultiMap headers) {
        AccessRules access = table.table().access();
        if (access == null || !AccessRules.API_KEYS.equals(access.mode())) {
            return Future.succeededFuture(Authentication.of(Caller.ANONYMOUS));
        }
        String presented = ClientKeys.presentedKey(headers);
        if (presented == null || presented.isEmpty()) {
            return Future.succeededFuture(Authentication.denied(Denial.invalidApiKey()));
        }
        String digest = KeyDigest.of(presented);
        Caller byKey = ClientKeys.byDigest(table, digest);
        if (byKey != null) {
            return Future.succeededFuture(Authentication.of(byKey));
        }
        if (access.issuers().isEmpty() || !JwtShape.looksLikeJwt(presented)) {
            return Future.succeededFuture(Authentication.denied(Denial.invalidApiKey()));
        }
        Future<TokenIdentities.Result> result = identitiesOf(table).identify(presented, digest);
        return CallersContext.resume(result).map(this::authentication);
    }

    private Authentication authentication(TokenIdentities.Result result) {
        if (result.identity() != null) {
            metrics.authenticated(result.issuer(), result.cached() ? IdentityMetrics.CACHED : IdentityMetrics.VERIFIED);
            return new Authentication(result.identity().caller(), result.identity().subject(), null);
        }
        metrics.authenticated(result.issuer(), result.failure().code);
        return Authentication.denied(result.failure().denial(result.message()));
    }

    private TokenIdentities identitiesOf(ActiveTable table) {
        Index current = index;
        if (current != null && current.table() == table) {
            return current.identities();
        }
        Index next = new Index(table, new TokenIdentities(table.table().access(), sources, clock, cacheSize));
        index = next;
        return next.identities();
    }

}
