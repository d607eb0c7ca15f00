package dev.switchboard.gateway.access.identity;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwa.AlgorithmConstraints.ConstraintType;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;
import org.jose4j.jwt.NumericDate;
import org.jose4j.jwt.consumer.InvalidJwtException;
import org.jose4j.lang.JoseException;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import dev.switchboard.gateway.access.ClientKeys.Caller;
import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.AccessRules.ClientRule;
import io.vertx.core.Future;

/**
 * The token side of one served table: its issuers by `iss`, each with its key source and its clients in order of
 * priority, and the cache of tokens verified against them. Verification never makes a network call of its own: keys
 * come from the source's memory, and only a kid the source does not know (or keys not fetched yet) waits for the
 * source's one shared fetch.
 */
final class TokenIdentities {

    /** An issuer as verification needs it. */
    private record TrustedIssuer(AccessRules.Issuer rule, KeySource keys, AlgorithmConstraints constraints, Set<String> audiences,
            List<Candidate> clients) {
    }

    /** A client's token match, compiled. */
    private record Candidate(Caller caller, List<ClaimMatcher> claims) {
        boolean matches(Map<String, Object> claims) {
            for (ClaimMatcher claim : this.claims) {
                if (!claim.test(claims)) {
                    return false;
                }
            }
            return true;
        }
    }

    /** A verified token, good while its key set is the issuer's current one and the clock is inside its validity. */
    private record Verified(Identity identity, KeySource source, KeySet keys, long notBeforeMs, long expiresMs, long skewMs) {
    }

    /** Who a token identified. */
    record Identity(Caller caller, String issuer, String subject) {
    }

    /**
     * What became of a token: an identity (from the cache or not), or a failure with the issuer it claimed (null when
     * unknown) and a message.
     */
    record Result(Identity identity, boolean cached, TokenFailure failure, String issuer, String message) {
        static Result refused(TokenFailure failure, String issuer, String message) {
            return new Result(null, false, failure, issuer, message);
        }
    }

    private final Map<String, TrustedIssuer> byIssuerUrl = new HashMap<>();
    private final Clock clock;
    private final Cache<String, Verified> verified;

    TokenIdentities(AccessRules access, KeySources sources, Clock clock, int cacheSize) {
        this.clock = clock;
        Map<String, List<ClientRule>> clientsByIssuer = new HashMap<>();
        for (ClientRule client : access.clients()) {
            if (client.token() != null) {
                clientsByIssuer.computeIfAbsent(client.token().issuer(), k -> new ArrayList<>()).add(client);
            }
        }
        for (AccessRules.Issuer issuer : access.issuers()) {
            List<Candidate> candidates = clientsByIssuer.getOrDefault(issuer.name(), List.of()).stream()
                    // The compiler leaves no two clients one token could tie on; name only makes hand-written tables deterministic.
                    .sorted(Comparator.comparingInt((ClientRule c) -> c.token().priority()).thenComparing(ClientRule::name))
                    .map(TokenIdentities::candidate)
                    .toList();
            byIssuerUrl.put(issuer.issuer(), new TrustedIssuer(issuer, sources.of(issuer),
                    new AlgorithmConstraints(ConstraintType.PERMIT, issuer.algorithms().toArray(String[]::new)),
                    Set.copyOf(issuer.audiences()), candidates));
        }
        this.verified = cacheSize <= 0 ? null : Caffeine.newBuilder()
                .maximumSize(cacheSize)
                // Maintenance runs on the calling thread: no hand-off from the event loop to a pool.
                .executor(Runnable::run)
                .expireAfter(Expiry.creating((String digest, Verified entry) ->
                        java.time.Duration.ofMillis(Math.max(0, entry.expiresMs() + entry.skewMs() - clock.millis()))))
                .build();
    }

    private static Candidate candidate(ClientRule client) {
        List<ClaimMatcher> claims = new ArrayList<>();
        if (client.token().subject() != null) {
            claims.add(ClaimMatcher.subject(client.token().subject()));
        }
        client.token().claims().forEach(rule -> claims.add(ClaimMatcher.of(rule)));
        return new Candidate(Caller.of(client), List.copyOf(claims));
    }

    /** Who the token identifies, by its SHA-256 digest from the cache or by verifying it. Never fails. */
    Future<Result> identify(String token, String digest) {
        if (verified != null) {
            Verified hit = verified.getIfPresent(digest);
            if (hit != null) {
                long now = clock.millis();
                if (hit.source().current() == hit.keys() && now <= hit.expiresMs() + hit.skewMs() && now + hit.skewMs() >= hit.notBeforeMs()) {
                    return Future.succeededFuture(new Result(hit.identity(), true, null, hit.identity().issuer(), null));
                }
                // Expired, or the issuer's keys changed since: verify it again, as if new.
                verified.invalidate(digest);
            }
        }
        JsonWebSignature jws = new JsonWebSignature();
        JwtClaims claims;
        try {
            jws.setCompactSerialization(token);
            claims = JwtClaims.parse(jws.getUnverifiedPayload());
        } catch (JoseException | InvalidJwtException | RuntimeException e) {
            return refused(TokenFailure.MALFORMED, null, "The bearer value looks like a JWT but is not a signed JWT with a JSON claims set.");
        }
        String iss;
        try {
            iss = claims.getIssuer();
        } catch (MalformedClaimException e) {
            iss = null;
        }
        TrustedIssuer issuer = iss == null ? null : byIssuerUrl.get(iss);
        if (issuer == null) {
            return refused(TokenFailure.ISSUER_UNKNOWN, null, "The token's issuer (iss) is not one this gateway trusts.");
        }
        String name = issuer.rule().name();
        String alg = jws.getAlgorithmHeaderValue();
        if (alg == null || alg.equals("none")) {
            return refused(TokenFailure.ALGORITHM_REFUSED, name, "Unsigned tokens (alg none) are never accepted.");
        }
        if (alg.startsWith("HS")) {
            return refused(TokenFailure.ALGORITHM_REFUSED, name, "Tokens signed with a shared secret (" + safe(alg)
                    + ") are never accepted; only asymmetric signatures are.");
        }
        if (!issuer.rule().algorithms().contains(alg)) {
            return refused(TokenFailure.ALGORITHM_REFUSED, name, "Tokens signed with " + safe(alg) + " are not accepted for issuer " + name
                    + "; accepted: " + String.join(", ", issuer.rule().algorithms()) + ".");
        }
        String kid = jws.getKeyIdHeaderValue();
        KeySet keys = issuer.keys().current();
        if (keys == null) {
            return issuer.keys().ready().map(ready -> verify(issuer, jws, claims, digest, alg, kid, ready));
        }
        if (kid != null && !keys.has(kid)) {
            return issuer.keys().refreshed().map(refreshed -> verify(issuer, jws, claims, digest, alg, kid, refreshed));
        }
        return Future.succeededFuture(verify(issuer, jws, claims, digest, alg, kid, keys));
    }

    private Result verify(TrustedIssuer issuer, JsonWebSignature jws, JwtClaims claims, String digest, String alg, String kid,
            KeySet keys) {
        String name = issuer.rule().name();
        if (keys == null) {
            return Result.refused(TokenFailure.KEYS_UNAVAILABLE, name, "The keys of issuer " + name + " could not be fetched yet; retry shortly.");
        }
        if (kid != null && !keys.has(kid)) {
            return Result.refused(TokenFailure.KEY_UNKNOWN, name, "The token names a signing key (kid) that issuer " + name + " does not publish.");
        }
        if (!signatureVerifies(issuer, jws, keys.candidates(kid, alg))) {
            return Result.refused(TokenFailure.SIGNATURE_INVALID, name, "The token's signature does not verify with the keys of issuer " + name + ".");
        }
        long skew = issuer.rule().clockSkewMs();
        long now = clock.millis();
        NumericDate expires;
        NumericDate notBefore;
        List<String> audiences;
        String subject;
        try {
            expires = claims.getExpirationTime();
            notBefore = claims.getNotBefore();
            audiences = claims.getAudience();
            subject = claims.getSubject();
        } catch (MalformedClaimException e) {
            return Result.refused(TokenFailure.MALFORMED, name, "A claim of the token (exp, nbf, aud or sub) has the wrong type.");
        }
        if (expires == null) {
            // A token without expiry would be good forever (as legacy Secret-based ServiceAccount tokens are): refused.
            return Result.refused(TokenFailure.MALFORMED, name, "The token has no expiry (exp); only tokens that expire are accepted.");
        }
        if (now > expires.getValueInMillis() + skew) {
            return Result.refused(TokenFailure.EXPIRED, name, "The token expired at " + Instant.ofEpochMilli(expires.getValueInMillis())
                    + " (clock skew allowed: " + skew / 1000 + "s); send a fresh one.");
        }
        if (notBefore != null && now + skew < notBefore.getValueInMillis()) {
            return Result.refused(TokenFailure.NOT_YET_VALID, name, "The token is not valid before " + Instant.ofEpochMilli(notBefore.getValueInMillis())
                    + " (clock skew allowed: " + skew / 1000 + "s).");
        }
        if (!anyOf(audiences, issuer.audiences())) {
            return Result.refused(TokenFailure.AUDIENCE_MISMATCH, name, "The token is for another audience; tokens of issuer " + name
                    + " are accepted here for " + String.join(", ", issuer.rule().audiences())
                    + ". Request one for that audience (for a projected ServiceAccount token: serviceAccountToken.audience).");
        }
        Map<String, Object> values = claims.getClaimsMap();
        for (Candidate candidate : issuer.clients()) {
            if (candidate.matches(values)) {
                Identity identity = new Identity(candidate.caller(), name, subject);
                if (verified != null) {
                    long notBeforeMs = notBefore == null ? Long.MIN_VALUE / 2 : notBefore.getValueInMillis();
                    verified.put(digest, new Verified(identity, issuer.keys(), keys, notBeforeMs, expires.getValueInMillis(), skew));
                }
                return new Result(identity, false, null, name, null);
            }
        }
        return Result.refused(TokenFailure.NOT_MAPPED, name, "The token of issuer " + name
                + " is valid, but no client of this gateway accepts its subject and claims.");
    }

    private static boolean signatureVerifies(TrustedIssuer issuer, JsonWebSignature jws, List<KeySet.Key> candidates) {
        jws.setAlgorithmConstraints(issuer.constraints());
        for (KeySet.Key key : candidates) {
            try {
                jws.setKey(key.publicKey());
                if (jws.verifySignature()) {
                    return true;
                }
            } catch (JoseException | RuntimeException e) {
                // A key jose4j refuses for this algorithm (type, size) verifies nothing; the next one may.
            }
        }
        return false;
    }

    private static boolean anyOf(List<String> presented, Set<String> accepted) {
        if (presented == null) {
            return false;
        }
        Set<String> seen = new HashSet<>(presented);
        seen.retainAll(accepted);
        return !seen.isEmpty();
    }

    /** An algorithm name from the token, bounded and plain, for a message. */
    private static String safe(String alg) {
        return alg.length() <= 16 && alg.matches("[A-Za-z0-9]+") ? alg : "an unknown algorithm";
    }

    private static Future<Result> refused(TokenFailure failure, String issuer, String message) {
        return Future.succeededFuture(Result.refused(failure, issuer, message));
    }
}
