package dev.switchboard.gateway.upstream;

import java.util.List;

import io.vertx.core.Vertx;

/**
 * A provider type this build serves, as a CDI bean that {@link Upstreams} finds at start: each wire dialect's
 * package declares one, so the transport never names the dialects built on it.
 */
public interface UpstreamType {

    /** The `Provider.spec.type` values it serves. */
    List<String> names();

    /**
     * Whether its providers receive an OpenAI request as the client wrote it (only `model` rewritten), rather than
     * a translation into their own API.
     */
    default boolean speaksOpenAi() {
        return false;
    }

    /** Its adapter, sharing the per-event-loop clients. */
    Upstream adapter(Vertx vertx, UpstreamClients clients);
}
