package dev.switchboard.gateway.http;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;

/**
 * Refuses the cleartext HTTP/2 upgrade (h2c) that java.net.http clients request by default. Accepting it
 * hands the HTTP/1.1 connection over while the first request is in flight, which closes that request's
 * response: the gateway would take it for a client that went away, cancel the upstream call and log 499.
 * Declining is what the upgrade protocol allows; such clients simply go on with HTTP/1.1 keep-alive, which
 * every OpenAI and Anthropic SDK uses anyway.
 */
@ApplicationScoped
public class CleartextHttp1Only implements HttpServerOptionsCustomizer {

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        options.setHttp2ClearTextEnabled(false);
    }
}
