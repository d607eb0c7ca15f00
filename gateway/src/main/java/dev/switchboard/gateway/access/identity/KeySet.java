package dev.switchboard.gateway.access.identity;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.OctetKeyPairJsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

import dev.switchboard.routing.AccessRules;

/**
 * An issuer's signature keys as one immutable set, by kid. Only public halves of signing keys are kept: keys marked
 * for encryption (`use: enc`) and symmetric keys (`kty: oct`, which would turn a published secret into a signing
 * key) are left out, as is any key jose4j cannot read.
 */
final class KeySet {

    /** One usable key: its JWK type and curve decide which algorithms it may verify; a JWK `alg` narrows that to one. */
    record Key(String kid, String kty, String crv, String alg, PublicKey publicKey) {

        boolean verifies(String algorithm) {
            if (alg != null && !alg.equals(algorithm)) {
                return false;
            }
            return switch (algorithm) {
                case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512" -> "RSA".equals(kty);
                case "ES256" -> "EC".equals(kty) && "P-256".equals(crv);
                case "ES384" -> "EC".equals(kty) && "P-384".equals(crv);
                case "ES512" -> "EC".equals(kty) && "P-521".equals(crv);
                case "EdDSA" -> "OKP".equals(kty) && ("Ed25519".equals(crv) || "Ed448".equals(crv));
                default -> false;
            };
        }
    }

    static final KeySet EMPTY = new KeySet(List.of());

    private final List<Key> keys;
    private final Map<String, List<Key>> byKid = new HashMap<>();

    private KeySet(List<Key> keys) {
        this.keys = List.copyOf(keys);
        for (Key key : keys) {
            if (key.kid() != null) {
                byKid.computeIfAbsent(key.kid(), k -> new ArrayList<>()).add(key);
            }
        }
    }

    /** A JWK set document as served at a jwks_uri. */
    static KeySet parse(String json) throws JoseException {
        return of(new JsonWebKeySet(json).getJsonWebKeys());
    }

    /** The keys a table publishes itself (the Kubernetes preset). */
    static KeySet published(List<AccessRules.PublicKey> published) {
        List<JsonWebKey> jwks = new ArrayList<>();
        for (AccessRules.PublicKey key : published) {
            Map<String, Object> params = new LinkedHashMap<>();
            put(params, "kid", key.kid());
            put(params, "kty", key.kty());
            put(params, "alg", key.alg());
            put(params, "use", key.use());
            put(params, "crv", key.crv());
            put(params, "n", key.n());
            put(params, "e", key.e());
            put(params, "x", key.x());
            put(params, "y", key.y());
            try {
                jwks.add(JsonWebKey.Factory.newJwk(params));
            } catch (JoseException | RuntimeException e) {
                // Like a JWK set document: an unreadable key is skipped, the others still verify.
            }
        }
        return of(jwks);
    }

    private static void put(Map<String, Object> params, String name, String value) {
        if (value != null) {
            params.put(name, value);
        }
    }

    private static KeySet of(List<JsonWebKey> jwks) {
        List<Key> keys = new ArrayList<>();
        for (JsonWebKey jwk : jwks) {
            if ("enc".equals(jwk.getUse()) || !(jwk instanceof PublicJsonWebKey pub) || pub.getPublicKey() == null) {
                continue;
            }
            String crv = jwk instanceof EllipticCurveJsonWebKey ec ? ec.getCurveName()
                    : jwk instanceof OctetKeyPairJsonWebKey okp ? okp.getSubtype() : null;
            keys.add(new Key(jwk.getKeyId(), jwk.getKeyType(), crv, jwk.getAlgorithm(), pub.getPublicKey()));
        }
        return new KeySet(keys);
    }

    int size() {
        return keys.size();
    }

    boolean has(String kid) {
        return byKid.containsKey(kid);
    }

    /**
     * The keys that may have signed a token with this kid and algorithm: the kid's keys, or with no kid (issuers with
     * a single key often leave it out) every key that verifies the algorithm.
     */
    List<Key> candidates(String kid, String algorithm) {
        List<Key> pool = kid == null ? keys : byKid.getOrDefault(kid, List.of());
        List<Key> candidates = new ArrayList<>(pool.size());
        for (Key key : pool) {
            if (key.verifies(algorithm)) {
                candidates.add(key);
            }
        }
        return candidates;
    }
}
