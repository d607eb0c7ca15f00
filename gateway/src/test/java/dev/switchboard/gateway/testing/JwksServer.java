package dev.switchboard.gateway.testing;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.JsonWebKeySet;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;

/**
 * A token issuer's key server on 127.0.0.1, as an OIDC provider serves it: the discovery document at
 * {@code <issuer>/.well-known/openid-configuration} and the JWK set at {@code <issuer>/keys}. Tests publish the
 * public halves of keys they generated, swap them (rotation), and take the server down and up again on the same port
 * (connections refused in between). It counts the JWK set fetches it answered.
 */
public final class JwksServer implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx();
    private final String realm;
    private volatile List<JsonWebKey> published = List.of();
    private final AtomicInteger keyFetches = new AtomicInteger();
    private HttpServer server;
    private int port;

    private JwksServer(String realm) {
        this.realm = realm;
    }

    public static JwksServer start(String realm) throws Exception {
        return startOn(0, realm);
    }

    public static JwksServer startOn(int port, String realm) throws Exception {
        JwksServer jwks = new JwksServer(realm);
        jwks.listen(port);
        return jwks;
    }

    private void listen(int onPort) throws Exception {
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(onPort)).requestHandler(request -> {
            String path = request.path();
            if (path.equals("/" + realm + "/.well-known/openid-configuration")) {
                request.response().putHeader("content-type", "application/json").end(new JsonObject()
                        .put("issuer", issuer()).put("jwks_uri", jwksUri()).put("id_token_signing_alg_values_supported", List.of("RS256", "ES256"))
                        .encode());
            } else if (path.equals("/" + realm + "/keys")) {
                keyFetches.incrementAndGet();
                request.response().putHeader("content-type", "application/json")
                        .end(new JsonWebKeySet(published).toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY));
            } else {
                request.response().setStatusCode(404).end();
            }
        });
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        port = server.actualPort();
    }

    /** The issuer URL, as tokens carry it in iss. */
    public String issuer() {
        return "http://127.0.0.1:" + port + "/" + realm;
    }

    public String jwksUri() {
        return issuer() + "/keys";
    }

    /** From now on the JWK set holds these keys (their public halves) and nothing else. */
    public void publish(JsonWebKey... keys) {
        published = List.of(keys);
    }

    public int keyFetches() {
        return keyFetches.get();
    }

    /** Stops listening: connections are refused until {@link #up}. */
    public void down() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Listens again on the same port. */
    public void up() throws Exception {
        listen(port);
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
