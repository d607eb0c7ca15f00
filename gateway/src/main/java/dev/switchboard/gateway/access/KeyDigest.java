package dev.switchboard.gateway.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;

import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.SecretFile;

/**
 * Keys the gateway only has to recognise (client keys, the admin key) are held as SHA-256 digests from the moment
 * they are read: the plain values never stay in memory. Provider keys and the Redis password must be sent, so
 * they are kept as they are.
 */
public final class KeyDigest {

    private KeyDigest() {
    }

    /** The digest a verifier file's value is stored as, and a presented key is compared by. */
    public static String of(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** Constant-time comparison of two digests. */
    public static boolean same(String digest, String other) {
        return digest != null && other != null
                && MessageDigest.isEqual(digest.getBytes(StandardCharsets.US_ASCII), other.getBytes(StandardCharsets.US_ASCII));
    }

    /** The secret files of a table that hold keys to recognise, not to send (none that a provider also sends). */
    public static Set<String> verifierPaths(RoutingTable table) {
        Set<String> paths = new TreeSet<>();
        AccessRules access = table.access();
        if (access == null) {
            return paths;
        }
        access.clients().stream().map(AccessRules.ClientRule::key).filter(k -> k != null && k.path() != null)
                .forEach(k -> paths.add(k.path()));
        if (access.adminKey() != null && access.adminKey().path() != null) {
            paths.add(access.adminKey().path());
        }
        table.providers().forEach(p -> p.credentials().stream().map(SecretFile::path).forEach(paths::remove));
        if (access.redis() != null && access.redis().password() != null) {
            paths.remove(access.redis().password().path());
        }
        return paths;
    }
}
