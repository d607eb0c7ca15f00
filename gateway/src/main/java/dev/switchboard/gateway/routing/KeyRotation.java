package dev.switchboard.gateway.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.routing.SecretFile;
import dev.switchboard.routing.UpstreamProvider;
import jakarta.inject.Singleton;

/** Spreads a provider's calls round-robin over the keys of its pool (every key of its Secret). */
@Singleton
public class KeyRotation {

    private final ConcurrentMap<String, AtomicLong> counters = new ConcurrentHashMap<>();

    /** The key for the next call, or null when the provider has no readable key (e.g. a local Ollama). */
    public String nextKey(ActiveTable table, UpstreamProvider provider) {
        List<String> keys = new ArrayList<>(provider.credentials().size());
        for (SecretFile credential : provider.credentials()) {
            String value = table.secret(credential.path());
            if (value != null && !value.isBlank()) {
                keys.add(value.strip());
            }
        }
        if (keys.isEmpty()) {
            return null;
        }
        long n = counters.computeIfAbsent(provider.name(), k -> new AtomicLong()).getAndIncrement();
        return keys.get((int) Math.floorMod(n, (long) keys.size()));
    }
}
