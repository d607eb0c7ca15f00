package dev.switchboard.gateway.access.identity;

import java.util.Map;

import dev.switchboard.gateway.access.Denial;

/**
 * Why a token was not accepted, as the caller can act on it. The code is the OpenAI envelope's `code`, the metric's
 * `outcome` and the RFC 6750 error description's subject; no message ever quotes the token.
 */
public enum TokenFailure {
    /** Not a JWS with a JSON payload, a required claim (iss, exp) missing or of the wrong type, or too large. */
    MALFORMED("token_malformed", 401),
    /** The iss claim names no issuer of this gateway's policy. */
    ISSUER_UNKNOWN("token_issuer_unknown", 401),
    /** none, an HMAC algorithm, or an asymmetric one the issuer's entry does not accept. */
    ALGORITHM_REFUSED("token_algorithm_refused", 401),
    /** The kid names no key of the issuer's JWK set, even after refreshing it. */
    KEY_UNKNOWN("token_key_unknown", 401),
    /** No key of the issuer verifies the signature. */
    SIGNATURE_INVALID("token_signature_invalid", 401),
    /** exp is past, beyond the allowed clock skew. */
    EXPIRED("token_expired", 401),
    /** nbf is ahead, beyond the allowed clock skew. */
    NOT_YET_VALID("token_not_yet_valid", 401),
    /** aud names none of the issuer's accepted audiences. */
    AUDIENCE_MISMATCH("token_audience_mismatch", 401),
    /** A valid token that no client's token match accepts. */
    NOT_MAPPED("token_not_mapped", 403),
    /** The issuer's keys could not be fetched yet: the gateway's problem, not the caller's, so 503 and a retry. */
    KEYS_UNAVAILABLE("token_keys_unavailable", 503);

    public final String code;
    public final int status;

    TokenFailure(String code, int status) {
        this.code = code;
        this.status = status;
    }

    /** The refusal, with the message (which must not quote the token) and, for 401, an RFC 6750 challenge. */
    public Denial denial(String message) {
        return switch (status) {
            case 401 -> new Denial(401, "invalid_request_error", code, null, message, Map.of("www-authenticate",
                    "Bearer error=\"invalid_token\", error_description=\"" + code + "\""));
            case 403 -> new Denial(403, "permission_error", code, null, message, Map.of());
            default -> new Denial(status, "service_unavailable", code, null, message, Map.of("retry-after", "1"));
        };
    }
}
