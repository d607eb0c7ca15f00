package dev.switchboard.gateway.access;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.AccessRules.ClientRule;
import dev.switchboard.routing.Globs;
import dev.switchboard.routing.ModelRoute;
import io.vertx.core.MultiMap;

/**
 * Client keys. In `ApiKeys` mode a request needs the key of a declared client (or a token, see
 * {@link dev.switchboard.gateway.access.identity.Authenticator}), sent as `Authorization: Bearer` (OpenAI SDKs) or
 * `x-api-key` (Anthropic SDKs). Keys are only held as SHA-256 digests (the table loader stores them so), indexed once
 * per table.
 */
public final class ClientKeys {

    /** The caller, as far as access control is concerned; {@code client} is null for anonymous (Open) callers. */
    public record Caller(ClientRule client, List<Pattern> modelGlobs) {

        public static final Caller ANONYMOUS = new Caller(null, List.of());

        /** A declared client as a caller, its model globs compiled. */
        public static Caller of(ClientRule client) {
            return new Caller(client, globs(client.models()));
        }

        /** The client's name, null for anonymous callers. */
        public String name() {
            return client == null ? null : client.name();
        }

        /** Whether the caller's globs allow the model by its public name or by one of its aliases (fallbacks are checked so). */
        public boolean mayUse(ModelRoute route) {
            // A pattern route's name is a glob, not a name; its alias is the name asked for.
            if (!route.servesPattern() && mayUse(route.name())) {
                return true;
            }
            for (String alias : route.aliases()) {
                if (mayUse(alias)) {
                    return true;
                }
            }
            return false;
        }

        public boolean mayUse(String model) {
            if (modelGlobs.isEmpty()) {
                return true;
            }
            for (Pattern glob : modelGlobs) {
                if (glob.matcher(model).matches()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The callers of one table by key digest; rebuilt only when a new table is served. */
    private record Index(ActiveTable table, Map<String, Caller> byDigest) {
    }

    private static volatile Index index;

    private ClientKeys() {
    }

    /**
     * The caller presenting these request headers, or null when the table requires a key and none of the presented
     * ones is known. Open tables let everyone in anonymously.
     */
    public static Caller authenticate(ActiveTable table, MultiMap headers) {
        AccessRules access = table.table().access();
        if (access == null || !AccessRules.API_KEYS.equals(access.mode())) {
            return Caller.ANONYMOUS;
        }
        String key = presentedKey(headers);
        if (key == null || key.isEmpty()) {
            return null;
        }
        return byDigest(table, KeyDigest.of(key));
    }

    /**
     * The client whose key has this digest, or null. Looking up a digest, not the key: lookup timing can only reveal
     * something about a SHA-256 value, which says nothing usable about the key.
     */
    public static Caller byDigest(ActiveTable table, String digest) {
        return indexOf(table).byDigest().get(digest);
    }

    /** The key from `Authorization: Bearer <key>`, else from `x-api-key`; null when neither is present. */
    public static String presentedKey(MultiMap headers) {
        String authorization = headers.get("authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).strip();
        }
        String apiKey = headers.get("x-api-key");
        return apiKey == null ? null : apiKey.strip();
    }

    /** Constant-time comparison of a presented key with the digest a verifier file was loaded as. */
    public static boolean matches(String presented, String expectedDigest) {
        return presented != null && !presented.isEmpty() && KeyDigest.same(KeyDigest.of(presented), expectedDigest);
    }

    private static Index indexOf(ActiveTable table) {
        Index current = index;
        if (current != null && current.table() == table) {
            return current;
        }
        Map<String, Caller> byDigest = new HashMap<>();
        for (ClientRule client : table.table().access().clients()) {
            // The table holds each client key's digest; a missing or empty key file holds nothing and matches nothing.
            String digest = client.key() == null ? null : table.secret(client.key().path());
            if (digest != null) {
                byDigest.put(digest, Caller.of(client));
            }
        }
        Index next = new Index(table, Map.copyOf(byDigest));
        index = next;
        return next;
    }

    private static List<Pattern> globs(List<String> globs) {
        List<Pattern> patterns = new ArrayList<>(globs.size());
        for (String glob : globs) {
            patterns.add(Globs.pattern(glob));
        }
        return List.copyOf(patterns);
    }
}
