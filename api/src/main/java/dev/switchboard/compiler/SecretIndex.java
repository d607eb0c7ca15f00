package dev.switchboard.compiler;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Which Secrets exist in the policy's namespace and which data keys each holds. Never their values. */
public final class SecretIndex {

    private final Map<String, Set<String>> keysBySecret;

    private SecretIndex(Map<String, Set<String>> keysBySecret) {
        this.keysBySecret = keysBySecret;
    }

    public static SecretIndex of(Map<String, ? extends Set<String>> keysBySecret) {
        Map<String, Set<String>> copy = new TreeMap<>();
        keysBySecret.forEach((name, keys) -> copy.put(name, new TreeSet<>(keys)));
        return new SecretIndex(copy);
    }

    public static SecretIndex empty() {
        return new SecretIndex(Map.of());
    }

    /** The sorted data keys of a Secret, or null when the Secret does not exist. */
    public Set<String> keysOf(String secretName) {
        return secretName == null ? null : keysBySecret.get(secretName);
    }
}
