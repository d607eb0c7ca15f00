package dev.switchboard.gateway.table;

import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

/** The one place that holds the table being served. Swapped atomically by the reload orchestrator. */
@ApplicationScoped
public class RoutingState {

    private final AtomicReference<ActiveTable> current = new AtomicReference<>();

    /** The table to route a new request with, or null before the first valid table was loaded. */
    public ActiveTable current() {
        return current.get();
    }

    public void activate(ActiveTable next) {
        current.set(next);
    }
}
