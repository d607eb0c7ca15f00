package dev.switchboard.gateway.table;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.switchboard.routing.RoutingTable;

/**
 * A validated routing table as the gateway serves it, with the secret values its files held when it was
 * loaded. Immutable: a request keeps the instance it started with, so a reload never changes a request
 * midway. {@code sequence} orders the tables this process loaded (a later load has a larger one), so state
 * shared by all requests can tell a newer table from the older one a request may still hold.
 */
public record ActiveTable(RoutingTable table, String hash, Instant loadedAt, Map<String, String> secretsByPath, long sequence) {

    private static final AtomicLong LOADS = new AtomicLong();

    public ActiveTable {
        secretsByPath = Map.copyOf(secretsByPath);
    }

    /** A table loaded now: it comes after every table loaded before it. */
    public ActiveTable(RoutingTable table, String hash, Instant loadedAt, Map<String, String> secretsByPath) {
        this(table, hash, loadedAt, secretsByPath, LOADS.incrementAndGet());
    }

    /**
     * The secret value read from the given file path, or null when the file was missing or empty. Client and admin
     * keys are held as their SHA-256 digest (see KeyDigest), never as read.
     */
    public String secret(String path) {
        return secretsByPath.get(path);
    }

    @Override
    public String toString() {
        // Never print secret values.
        return "ActiveTable[hash=" + hash + ", loadedAt=" + loadedAt + ", models=" + table.models().size() + "]";
    }
}
