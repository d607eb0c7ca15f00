package dev.switchboard.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A stand-in for gateway pods and an upstream on 127.0.0.1: answers the operator's config probe with a
 * hash the test sets, and an OpenAI-style model listing. The operator's status port points here, so pods
 * in the mock API server with podIP 127.0.0.1 are "reachable".
 */
public class GatewayStub implements QuarkusTestResourceLifecycleManager {

    private static volatile String servedHash = "";
    private static volatile int port;
    private HttpServer server;

    public static void serveHash(String hash) {
        servedHash = hash;
    }

    public static int port() {
        return port;
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/q/switchboard/config", exchange -> respond(exchange, "{\"hash\":\"" + servedHash + "\",\"models\":0}"));
        server.createContext("/v1/models", exchange -> respond(exchange,
                "{\"object\":\"list\",\"data\":[{\"id\":\"stub-large\"},{\"id\":\"stub-small\"}]}"));
        server.start();
        port = server.getAddress().getPort();
        return Map.of("switchboard.gateway.status-port", String.valueOf(port));
    }

    private static void respond(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
