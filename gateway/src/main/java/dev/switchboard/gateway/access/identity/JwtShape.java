package dev.switchboard.gateway.access.identity;

/**
 * Tells a JWT from an API key without parsing either: a compact JWS is three base64url segments joined by two dots,
 * and its header, a JSON object, always encodes to a first segment starting with `eyJ` (`{"`). Client keys never
 * look like that, so a policy can take both in the same header.
 */
public final class JwtShape {

    /** Larger tokens are refused unread: no issuer needs this much, and verifying costs more the longer they are. */
    static final int MAX_LENGTH = 16 * 1024;

    private JwtShape() {
    }

    public static boolean looksLikeJwt(String value) {
        int length = value.length();
        if (length < 10 || length > MAX_LENGTH || !value.startsWith("eyJ")) {
            return false;
        }
        int dots = 0;
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            if (c == '.') {
                dots++;
            } else if (!base64Url(c)) {
                return false;
            }
        }
        // An empty signature segment still counts: an unsigned (alg none) token ends in a dot, and goes on to
        // verification to be refused with its own reason rather than as an unknown key.
        return dots == 2;
    }

    private static boolean base64Url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }
}
