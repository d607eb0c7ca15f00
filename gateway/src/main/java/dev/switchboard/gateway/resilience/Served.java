package dev.switchboard.gateway.resilience;

import java.util.function.BiConsumer;

import dev.switchboard.gateway.upstream.Operation;

/**
 * Which attempt produced the response being delivered, for the response headers and the access log.
 *
 * @param provider      the provider that answered
 * @param upstreamModel its model name (never shown to clients)
 * @param model         the public model whose target answered (the requested one or a fallback)
 * @param attempts      upstream calls made for this request, this one included
 * @param fallback      the fallback model that served, or null when the requested model did
 * @param operation     the operation the answering attempt called, which says the response's format
 */
public record Served(String provider, String upstreamModel, String model, int attempts, String fallback, Operation operation) {

    public static final String PROVIDER_HEADER = "x-switchboard-provider";
    public static final String ATTEMPTS_HEADER = "x-switchboard-attempts";
    public static final String FALLBACK_HEADER = "x-switchboard-fallback";

    /** The headers that tell the client what happened; every reply format sends them. */
    public void headers(BiConsumer<String, String> header) {
        header.accept(PROVIDER_HEADER, provider);
        header.accept(ATTEMPTS_HEADER, Integer.toString(attempts));
        if (fallback != null) {
            header.accept(FALLBACK_HEADER, fallback);
        }
    }
}
