package dev.switchboard.gateway.front;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.switchboard.routing.UpstreamProvider;
import io.vertx.core.MultiMap;

/**
 * The client request headers a policy lets through to providers ({@code access.forwardHeaders}, lower-case). Only
 * attempts that carry the client's request untranslated get them, since they belong to the client's API; there the
 * client's value replaces the Provider's header of the same name. Everything else the client sends stays at the
 * gateway, and the Provider's headers apply: a client cannot switch on provider features (betas, tools billed
 * differently, another API version) the platform did not choose.
 */
final class ForwardedHeaders {

    private ForwardedHeaders() {
    }

    /** The provider as this attempt calls it: with the allowed headers the client sent, or unchanged when there are none. */
    static UpstreamProvider apply(UpstreamProvider provider, List<String> allowed, MultiMap request) {
        Map<String, String> headers = null;
        for (String name : allowed) {
            List<String> values = request.getAll(name);
            if (values.isEmpty()) {
                continue;
            }
            if (headers == null) {
                headers = new LinkedHashMap<>(provider.headers());
            }
            // Header names are case-insensitive: the Provider's spelling of the same header must not survive next to it.
            headers.keySet().removeIf(name::equalsIgnoreCase);
            headers.put(name, String.join(",", values));
        }
        return headers == null ? provider : provider.withHeaders(headers);
    }
}
