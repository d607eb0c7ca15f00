package dev.switchboard.gateway.upstream;

import java.util.List;

import io.vertx.core.Vertx;

/**
 * An {@link UpstreamType} that is one `Provider.spec.type` name and its adapter's constructor: all a dialect needs to
 * register its provider type, as a {@code @Singleton} subclass in its own package naming both.
 */
public abstract class NamedUpstreamType implements UpstreamType {

    /** How the type's adapter is made, sharing the per-event-loop clients. */
    @FunctionalInterface
    public interface Adapter {
        Upstream create(Vertx vertx, UpstreamClients clients);
    }

    private final List<String> names;
    private final Adapter adapter;

    protected NamedUpstreamType(String name, Adapter adapter) {
        this.names = List.of(name);
        this.adapter = adapter;
    }

    @Override
    public final List<String> names() {
        return names;
    }

    @Override
    public final Upstream adapter(Vertx vertx, UpstreamClients clients) {
        return adapter.create(vertx, clients);
    }
}
