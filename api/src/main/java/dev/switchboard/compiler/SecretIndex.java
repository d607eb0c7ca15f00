package dev.switchboard.compiler;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import dev.switchboard.api.v1alpha1.SecretUse;

/**
 * What the compiler may know about the Secrets of the policy's namespace: which exist, whether each opted in to
 * Switchboard use ({@link SecretUse}) and for whom, which data keys it holds and, per value, a SHA-256 fingerprint
 * and whether it is a single line. Never the values themselves: they are dropped as soon as the facts are taken.
 */
public final class SecretIndex {

    /** What a reference to a Secret finds. */
    public enum Standing {
        /** No such Secret. */
        MISSING,
        /** The Secret exists but does not carry the opt-in label. */
        NOT_OPTED_IN,
        /** The Secret opted in, but its usable-by annotation does not name the referring resource. */
        NOT_ALLOWED,
        USABLE
    }

    /**
     * Facts about one value, as the gateway will read it (surrounding whitespace stripped). The fingerprint is null
     * when the caller knew only the key's name.
     */
    public record Value(String fingerprint, boolean singleLine) {
        static final Value UNKNOWN = new Value(null, true);
    }

    /** usableBy is null when any Provider or RoutingPolicy of the namespace may use the Secret. */
    private record Entry(boolean optedIn, Set<String> usableBy, Map<String, Value> values) {
    }

    private final Map<String, Entry> secrets;

    private SecretIndex(Map<String, Entry> secrets) {
        this.secrets = secrets;
    }

    public static SecretIndex empty() {
        return new SecretIndex(Map.of());
    }

    /** Opted-in Secrets usable by anyone, known by their key names only (no value facts). */
    public static SecretIndex of(Map<String, ? extends Set<String>> keysBySecret) {
        Builder builder = builder();
        keysBySecret.forEach(builder::keysOnly);
        return builder.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final Map<String, Entry> secrets = new TreeMap<>();

        private Builder() {
        }

        /**
         * A Secret as found, with its labels, annotations and decoded values. The values of a Secret that did not opt
         * in are not looked at.
         */
        public Builder secret(String name, Map<String, String> labels, Map<String, String> annotations, Map<String, String> values) {
            boolean optedIn = labels != null && SecretUse.LABEL_VALUE.equals(labels.get(SecretUse.LABEL));
            Map<String, Value> facts = new TreeMap<>();
            if (optedIn) {
                values.forEach((key, value) -> facts.put(key, facts(value)));
            }
            secrets.put(name, new Entry(optedIn, usableBy(annotations), facts));
            return this;
        }

        /** An opted-in Secret usable by anyone, of which only the key names are known. */
        public Builder keysOnly(String name, Set<String> keys) {
            Map<String, Value> facts = new TreeMap<>();
            keys.forEach(key -> facts.put(key, Value.UNKNOWN));
            secrets.put(name, new Entry(true, null, facts));
            return this;
        }

        public SecretIndex build() {
            return new SecretIndex(Map.copyOf(secrets));
        }
    }

    /** The standing of a Secret for a resource that refers to it. */
    public Standing standing(String secretName, ResourceRef user) {
        Entry entry = secretName == null ? null : secrets.get(secretName);
        if (entry == null) {
            return Standing.MISSING;
        }
        if (!entry.optedIn()) {
            return Standing.NOT_OPTED_IN;
        }
        if (entry.usableBy() != null && !entry.usableBy().contains(user.kind() + "/" + user.name())) {
            return Standing.NOT_ALLOWED;
        }
        return Standing.USABLE;
    }

    /** The sorted data keys of an opted-in Secret, or null when it is missing or did not opt in. */
    public Set<String> keysOf(String secretName) {
        Entry entry = secretName == null ? null : secrets.get(secretName);
        return entry == null || !entry.optedIn() ? null : new TreeSet<>(entry.values().keySet());
    }

    /** Facts about one value of an opted-in Secret, or null when there is no such key. */
    public Value value(String secretName, String key) {
        Entry entry = secretName == null ? null : secrets.get(secretName);
        return entry == null || !entry.optedIn() ? null : entry.values().get(key);
    }

    /** The resources named by the Secret's usable-by annotation, for messages (empty when anyone may use it). */
    public Set<String> usableBy(String secretName) {
        Entry entry = secretName == null ? null : secrets.get(secretName);
        return entry == null || entry.usableBy() == null ? Set.of() : entry.usableBy();
    }

    /** Unparsable entries stay in the set and match no resource: a typo refuses, it never widens. */
    private static Set<String> usableBy(Map<String, String> annotations) {
        String listed = annotations == null ? null : annotations.get(SecretUse.USABLE_BY);
        if (listed == null) {
            return null;
        }
        return Arrays.stream(listed.split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The gateway strips a secret file before use; the facts are about the value it will use. */
    static Value facts(String raw) {
        String value = raw.strip();
        boolean singleLine = value.indexOf('\r') < 0 && value.indexOf('\n') < 0;
        return new Value(sha256(value), singleLine);
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "SecretIndex" + secrets.keySet();
    }
}
