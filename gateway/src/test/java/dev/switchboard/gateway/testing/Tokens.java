package dev.switchboard.gateway.testing;

import java.time.Instant;
import java.util.Map;

import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.EcJwkGenerator;
import org.jose4j.jwk.EllipticCurveJsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.EllipticCurves;
import org.jose4j.keys.HmacKey;
import org.jose4j.lang.JoseException;

/**
 * Signed JWTs for tests, from keys generated in the test: what a real issuer would send, and the forgeries a gateway
 * must refuse (unsigned, HMAC-signed with the issuer's public key, signed by another key under a known kid).
 */
public final class Tokens {

    private Tokens() {
    }

    public static RsaJsonWebKey rsa(String kid) {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(2048);
            key.setKeyId(kid);
            return key;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    public static EllipticCurveJsonWebKey ec(String kid) {
        try {
            EllipticCurveJsonWebKey key = EcJwkGenerator.generateJwk(EllipticCurves.P256);
            key.setKeyId(kid);
            return key;
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The claims of a token issued now for ten minutes; change them before signing. */
    public static JwtClaims claims(String issuer, String subject, String... audiences) {
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer);
        claims.setSubject(subject);
        claims.setAudience(audiences);
        long now = Instant.now().getEpochSecond();
        claims.setIssuedAt(NumericDate.fromSeconds(now));
        claims.setNotBefore(NumericDate.fromSeconds(now));
        claims.setExpirationTime(NumericDate.fromSeconds(now + 600));
        // A unique id: every token has its own digest, so no test sees another's cached verification by accident.
        claims.setGeneratedJwtId();
        return claims;
    }

    /** Claims as a Kubernetes projected ServiceAccount token carries them. */
    public static JwtClaims serviceAccount(String issuer, String namespace, String serviceAccount, String audience) {
        JwtClaims claims = claims(issuer, "system:serviceaccount:" + namespace + ":" + serviceAccount, audience);
        claims.setClaim("kubernetes.io", Map.of("namespace", namespace, "serviceaccount", Map.of("name", serviceAccount, "uid", "0")));
        return claims;
    }

    /** RS256 for RSA keys, ES256 for P-256 keys, kid from the key. */
    public static String sign(JwtClaims claims, PublicJsonWebKey key) {
        return sign(claims, key, key instanceof RsaJsonWebKey ? AlgorithmIdentifiers.RSA_USING_SHA256 : AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256);
    }

    public static String sign(JwtClaims claims, PublicJsonWebKey key, String algorithm) {
        return sign(claims, key, algorithm, key.getKeyId());
    }

    /** Signed by {@code key} but naming {@code kid}: a forgery when kid belongs to another key. */
    public static String sign(JwtClaims claims, PublicJsonWebKey key, String algorithm, String kid) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivateKey());
        jws.setKeyIdHeaderValue(kid);
        jws.setAlgorithmHeaderValue(algorithm);
        return serialize(jws);
    }

    /** alg none: no signature at all. */
    public static String unsigned(JwtClaims claims) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.NONE);
        jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
        return serialize(jws);
    }

    /**
     * The algorithm confusion attack: HS256 keyed with the issuer's public key, which anyone can read from its JWK set.
     * A verifier that picks the algorithm from the token and the key from the JWK set would accept it.
     */
    public static String hmacWithPublicKey(JwtClaims claims, RsaJsonWebKey issuerKey) {
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(new HmacKey(issuerKey.getPublicKey().getEncoded()));
        jws.setKeyIdHeaderValue(issuerKey.getKeyId());
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.HMAC_SHA256);
        return serialize(jws);
    }

    private static String serialize(JsonWebSignature jws) {
        try {
            return jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
    }
}
