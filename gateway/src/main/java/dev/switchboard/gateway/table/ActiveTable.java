package dev.switchboard.gateway.table;

import java.time.Instant;
import java.util.Map;

import dev.switchboard.routing.RoutingTable;

/**
 * A validated routing table as the gateway serves it, with the secret values its files held when it was
 * loaded. Immutable: a request keeps the instance it started with, so a reload never changes a request
 * midway.
 */
public record ActiveTable(RoutingTable table, String hash, Instant loadedAt, Map<String, String> secretsByPath) {

    public ActiveTable {
        secretsByPath = Map.copyOf(secretsByPath);
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
