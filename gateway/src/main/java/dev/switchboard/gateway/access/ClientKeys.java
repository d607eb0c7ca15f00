package dev.switchboard.gateway.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.regex.Pattern;

import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.AccessRules.ClientRule;

/**
 * The minimum of access control the gateway must not go without: in `ApiKeys` mode a request needs the key of
 * a declared client, and may only use that client's models. Rate limits and budgets come with the governance
 * work; until then they are not enforced.
 */
public final class ClientKeys {

    /** The caller, as far as access control is concerned. */
    public record Caller(String name, List<String> modelGlobs) {

        static final Caller ANONYMOUS = new Caller(null, List.of());

        public boolean mayUse(String model) {
            if (modelGlobs.isEmpty()) {
                return true;
            }
            for (String glob : modelGlobs) {
                if (globToRegex(glob).matcher(model).matches()) {
                    return true;
                }
            }
            return false;
        }
    }

    private ClientKeys() {
    }

    /**
     * The caller for an Authorization header value, or null when the table requires a key and this one is
     * missing or unknown. Open tables let everyone in anonymously.
     */
    public static Caller authenticate(ActiveTable table, String authorization) {
        AccessRules access = table.table().access();
        if (access == null || !AccessRules.API_KEYS.equals(access.mode())) {
            return Caller.ANONYMOUS;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        byte[] presented = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
        for (ClientRule client : access.clients()) {
            String key = client.key() == null ? null : table.secret(client.key().path());
            // Constant-time comparison: response timing must not reveal how much of a key was right.
            if (key != null && !key.isEmpty() && MessageDigest.isEqual(presented, key.getBytes(StandardCharsets.UTF_8))) {
                return new Caller(client.name(), client.models());
            }
        }
        return null;
    }

    private static Pattern globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
