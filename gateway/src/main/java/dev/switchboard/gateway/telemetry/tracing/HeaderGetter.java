package dev.switchboard.gateway.telemetry.tracing;

import io.opentelemetry.context.propagation.TextMapGetter;
import io.vertx.core.MultiMap;

/** Reads W3C trace context from a Vert.x request's headers (case-insensitive, as HTTP header names are). */
enum HeaderGetter implements TextMapGetter<MultiMap> {
    INSTANCE;

    @Override
    public Iterable<String> keys(MultiMap carrier) {
        return carrier.names();
    }

    @Override
    public String get(MultiMap carrier, String key) {
        return carrier == null ? null : carrier.get(key);
    }
}
