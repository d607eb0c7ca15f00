package dev.switchboard.gateway.access.identity;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.switchboard.routing.AccessRules.ClaimRule;
import dev.switchboard.routing.Globs;

/** One claim rule of a client's token match, compiled: where the claim is, and the glob its value must satisfy. */
record ClaimMatcher(String claim, Pattern glob, boolean contains) {

    static ClaimMatcher of(ClaimRule rule) {
        return new ClaimMatcher(rule.claim(), Globs.pattern(rule.matches() != null ? rule.matches() : rule.contains()), rule.contains() != null);
    }

    static ClaimMatcher subject(String glob) {
        return new ClaimMatcher("sub", Globs.pattern(glob), false);
    }

    /** `matches`: a single value (string, number, boolean) matching; `contains`: an element of a list (or the single value) matching. */
    boolean test(Map<String, Object> claims) {
        Object value = find(claims, claim);
        if (value instanceof List<?> list) {
            if (!contains) {
                return false;
            }
            for (Object element : list) {
                String text = scalar(element);
                if (text != null && glob.matcher(text).matches()) {
                    return true;
                }
            }
            return false;
        }
        String text = scalar(value);
        return text != null && glob.matcher(text).matches();
    }

    /** A top-level claim, or with a leading / a JSON pointer (RFC 6901) into nested objects. */
    static Object find(Map<String, Object> claims, String claim) {
        if (!claim.startsWith("/")) {
            return claims.get(claim);
        }
        Object node = claims;
        for (String part : claim.substring(1).split("/", -1)) {
            if (!(node instanceof Map<?, ?> object)) {
                return null;
            }
            node = object.get(part.replace("~1", "/").replace("~0", "~"));
        }
        return node;
    }

    private static String scalar(Object value) {
        if (value instanceof String text) {
            return text;
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return null;
    }
}
