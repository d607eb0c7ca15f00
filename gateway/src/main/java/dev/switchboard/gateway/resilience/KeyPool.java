package dev.switchboard.gateway.resilience;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The keys of one provider with their health. Calls rotate evenly over the healthy keys. A key answered with
 * 429 cools down for the upstream's Retry-After (or a backoff doubling from {@code cooldownMs} up to a minute)
 * for that upstream model only, since providers limit each model separately: a key rate-limited on one model
 * keeps serving the others;
 * a key answered with 401 (the key itself is not accepted) is quarantined for every model, one answered with 403
 * (this key may not use this model: permissions are often per model or project) for that model only, each for
 * {@code quarantineMs}; then the next call may use it again, and another refusal quarantines it again. A success
 * never lifts a quarantine: a call on one model proves nothing about another, and a call that was already under
 * way when the key was refused (a long stream) proves nothing about the key since. A provider without keys (a local
 * Ollama) has one keyless entry, so its 429s cool it down the same way.
 * <p>
 * State is kept by key fingerprint, so a reload that keeps a key keeps its health and a rotated secret starts
 * fresh.
 */
public final class KeyPool {

    public enum State {
        HEALTHY(0), COOLING_DOWN(1), QUARANTINED(2);

        public final int gauge;

        State(int gauge) {
            this.gauge = gauge;
        }
    }

    /** A key and its short, non-reversible name for metrics and the admin view. */
    public static final class Key {
        private final String value;
        private final String fingerprint;
        /** Upstream model to the end of its cooldown on this key. */
        private final Map<String, Long> coolUntil = new HashMap<>();
        /** Upstream model to the end of its quarantine on this key (403). */
        private final Map<String, Long> refusedUntil = new HashMap<>();
        private long quarantinedUntil;
        private int rateLimitsInARow;

        Key(String value) {
            this.value = value;
            this.fingerprint = value == null ? "none" : KeyPool.fingerprint(value);
        }

        public String value() {
            return value;
        }

        public String fingerprint() {
            return fingerprint;
        }
    }

    static final long MAX_COOLDOWN_MS = 60_000;

    private final String provider;
    private final LongSupplier clock;
    private final long cooldownMs;
    private final long quarantineMs;
    private Map<String, Key> keys = new LinkedHashMap<>();
    private Key[] order = new Key[0];
    private long next;

    KeyPool(String provider, LongSupplier clockMillis, long cooldownMs, long quarantineMs) {
        this.provider = provider;
        this.clock = clockMillis;
        this.cooldownMs = cooldownMs;
        this.quarantineMs = quarantineMs;
    }

    public String provider() {
        return provider;
    }

    /** Sets the key values of the pool (null or empty: keyless), keeping the health of keys that stay. */
    synchronized void update(List<String> values) {
        Map<String, Key> updated = new LinkedHashMap<>();
        if (values.isEmpty()) {
            updated.put("none", keys.getOrDefault("none", new Key(null)));
        }
        for (String value : values) {
            Key fresh = new Key(value);
            Key existing = keys.get(fresh.fingerprint);
            updated.put(fresh.fingerprint, existing != null && value.equals(existing.value) ? existing : fresh);
        }
        keys = updated;
        order = updated.values().toArray(Key[]::new);
    }

    public synchronized boolean keyless() {
        return order.length == 1 && order[0].value == null;
    }

    /** The next key in rotation that may call this upstream model now, or null when none may. */
    public synchronized Key acquire(String model) {
        long now = clock.getAsLong();
        for (int i = 0; i < order.length; i++) {
            Key key = order[(int) Math.floorMod(next++, (long) order.length)];
            if (waitMs(key, model, now) == 0) {
                return key;
            }
        }
        return null;
    }

    /** Whether a call to this upstream model could get a key now. */
    public synchronized boolean usable(String model) {
        long now = clock.getAsLong();
        for (Key key : order) {
            if (waitMs(key, model, now) == 0) {
                return true;
            }
        }
        return false;
    }

    /** Milliseconds until some key may call this model again; Long.MAX_VALUE when only quarantined keys remain. */
    public synchronized long millisUntilUsable(String model) {
        long now = clock.getAsLong();
        long best = Long.MAX_VALUE;
        for (Key key : order) {
            best = Math.min(best, waitMs(key, model, now));
        }
        return best;
    }

    private static long waitMs(Key key, String model, long now) {
        if (now < key.quarantinedUntil || now < key.refusedUntil.getOrDefault(model, 0L)) {
            return Long.MAX_VALUE;
        }
        Long until = key.coolUntil.get(model);
        return until == null || until <= now ? 0 : until - now;
    }

    /** A call with this key succeeded: the 429 backoff starts over. Quarantines run out by time only (see the class comment). */
    synchronized void succeeded(Key key) {
        key.rateLimitsInARow = 0;
    }

    /** A 429 on this model: cool down for Retry-After when the upstream gave one, else for a backoff that doubles per 429 in a row. */
    synchronized void rateLimited(Key key, String model, long retryAfterMs) {
        long backoff = Math.min(MAX_COOLDOWN_MS, cooldownMs << Math.min(key.rateLimitsInARow, 16));
        key.rateLimitsInARow++;
        key.coolUntil.put(model, clock.getAsLong() + (retryAfterMs > 0 ? retryAfterMs : backoff));
    }

    /** A 401 (model null: the key is refused for every model) or a 403 on this model. */
    synchronized void refused(Key key, String model) {
        long until = clock.getAsLong() + quarantineMs;
        if (model == null) {
            key.quarantinedUntil = until;
        } else {
            key.refusedUntil.put(model, until);
        }
    }

    public synchronized State state(Key key) {
        return state(key, clock.getAsLong());
    }

    /** Quarantined (for every model or for one); else cooling down while any model's cooldown runs (expired entries are dropped here). */
    private static State state(Key key, long now) {
        key.refusedUntil.values().removeIf(until -> until <= now);
        if (now < key.quarantinedUntil || !key.refusedUntil.isEmpty()) {
            return State.QUARANTINED;
        }
        key.coolUntil.values().removeIf(until -> until <= now);
        return key.coolUntil.isEmpty() ? State.HEALTHY : State.COOLING_DOWN;
    }

    public synchronized List<Key> keys() {
        return List.of(order);
    }

    /** The first 8 hex digits of the key's SHA-256: enough to tell keys apart, useless for recovering one. */
    static String fingerprint(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
