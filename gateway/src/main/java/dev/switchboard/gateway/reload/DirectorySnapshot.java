package dev.switchboard.gateway.reload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.RoutingTableCodec;
import dev.switchboard.routing.SecretFile;

/**
 * One consistent read of routing.json and every secret file it names, with a fingerprint over all of it.
 * Comparing content, not timestamps or watch events, is what makes kubelet's symlink swaps, secret rotation
 * and filesystems without change events safe to detect. The table is parsed here only to learn the secret
 * paths; validation is the loader's job.
 */
record DirectorySnapshot(byte[] routingJson, RoutingTable parsed, String parseError, Map<String, byte[]> secrets,
        String fingerprint) {

    static final String ROUTING_FILE = "routing.json";

    boolean present() {
        return routingJson != null;
    }

    static DirectorySnapshot read(Path dir) {
        byte[] json = readOrNull(dir.resolve(ROUTING_FILE));
        RoutingTable parsed = null;
        String parseError = null;
        if (json != null) {
            try {
                parsed = RoutingTableCodec.fromJson(json);
                if (parsed == null) {
                    parseError = "the file is empty";
                }
            } catch (IOException | RuntimeException e) {
                parseError = e.getMessage();
            }
        }
        MessageDigest digest = sha256();
        digest.update(json == null ? new byte[0] : sha256().digest(json));
        Map<String, byte[]> secrets = new LinkedHashMap<>();
        if (parsed != null) {
            for (String path : secretPaths(parsed)) {
                byte[] secret = readOrNull(Path.of(path));
                secrets.put(path, secret);
                digest.update(path.getBytes(StandardCharsets.UTF_8));
                digest.update(secret == null ? new byte[1] : sha256().digest(secret));
            }
        }
        return new DirectorySnapshot(json, parsed, parseError, secrets, HexFormat.of().formatHex(digest.digest()));
    }

    boolean sameAs(DirectorySnapshot other) {
        return other != null && fingerprint.equals(other.fingerprint);
    }

    /** Every file a table reads a secret from: provider key pools, client keys, the admin key, the Redis password, hook tokens. */
    static Set<String> secretPaths(RoutingTable table) {
        Set<String> paths = new LinkedHashSet<>();
        for (SecretFile file : table.secretFiles()) {
            if (file.path() != null) {
                paths.add(file.path());
            }
        }
        return paths;
    }

    private static byte[] readOrNull(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            // Missing, mid-swap or unreadable: treated as absent now; a later read sees the settled state.
            return null;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
