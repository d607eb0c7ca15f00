package dev.switchboard.gateway.policy.cache;

import java.time.Clock;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;

import io.vertx.core.Future;

/**
 * A replica's own answers, bounded by entries and by bytes: the least recently used go first when either bound is
 * reached. Expiry follows the injected clock, checked on lookup (an expired answer is dropped and is a miss). An answer
 * larger than a tenth of the byte bound is not kept: it would push out many others. Event loops share it, so every
 * access holds its lock, briefly.
 */
public final class MemoryAnswers implements AnswerStore {

    private record Entry(CachedAnswer answer, long expiresAtMillis) {
    }

    private final Clock clock;
    private final IntConsumer evicted;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true);
    private int maxEntries;
    private long maxBytes;
    private long bytes;

    /** {@code evicted} hears of every answer pushed out by the bounds (not of expired ones). */
    public MemoryAnswers(Clock clock, int maxEntries, long maxBytes, IntConsumer evicted) {
        this.clock = clock;
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.evicted = evicted;
    }

    /** New bounds from a reloaded table; entries beyond them are evicted now. */
    public synchronized void bound(int maxEntries, long maxBytes) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        evictBeyondBounds();
    }

    @Override
    public Future<CachedAnswer> get(String key) {
        return Future.succeededFuture(lookup(key));
    }

    private synchronized CachedAnswer lookup(String key) {
        Entry entry = entries.get(key);
        if (entry == null) {
            return null;
        }
        if (clock.millis() >= entry.expiresAtMillis()) {
            drop(key);
            return null;
        }
        return entry.answer();
    }

    @Override
    public synchronized void put(String key, CachedAnswer answer, long ttlMs) {
        if (answer.size() > maxBytes / 10) {
            return;
        }
        drop(key);
        entries.put(key, new Entry(answer, clock.millis() + ttlMs));
        bytes += answer.size();
        evictBeyondBounds();
    }

    @Override
    public synchronized void remove(String key) {
        Entry old = entries.remove(key);
        if (old != null) {
            bytes -= old.answer().size();
        }
    }

    public synchronized long bytes() {
        return bytes;
    }

    public synchronized int size() {
        return entries.size();
    }

    private void drop(String key) {
        remove(key);
    }

    private void evictBeyondBounds() {
        int count = 0;
        Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
        while ((entries.size() > maxEntries || bytes > maxBytes) && eldest.hasNext()) {
            bytes -= eldest.next().getValue().answer().size();
            eldest.remove();
            count++;
        }
        if (count > 0) {
            evicted.accept(count);
        }
    }
}
