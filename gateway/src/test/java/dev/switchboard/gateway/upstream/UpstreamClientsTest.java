package dev.switchboard.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;

/**
 * Each event loop gets its own pool, so calls from one event loop reuse that loop's keep-alive connection and
 * never another loop's: a server on loopback reports which client port (connection) each request came on.
 */
class UpstreamClientsTest {

    private static final int CONNECT_MS = 2_000;

    private Vertx vertx;
    private HttpServer server;
    private UpstreamClients clients;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer()
                .requestHandler(request -> request.response().end(Integer.toString(request.remoteAddress().port())))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        clients = new UpstreamClients(vertx, new HttpClientOptions().setKeepAlive(true), 8, new PoolWaits(new SimpleMeterRegistry()));
    }

    @AfterEach
    void stop() throws Exception {
        clients.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void eachEventLoopKeepsToItsOwnConnections() throws Exception {
        List<Context> loops = new CopyOnWriteArrayList<>();
        vertx.deployVerticle(() -> new AbstractVerticle() {
            @Override
            public void start() {
                loops.add(context);
            }
        }, new DeploymentOptions().setInstances(2)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Context first = loops.get(0);
        Context second = loops.get(1);
        Thread firstLoop = on(first, () -> Future.succeededFuture(Thread.currentThread()));
        Thread secondLoop = on(second, () -> Future.succeededFuture(Thread.currentThread()));
        assertThat(firstLoop).isNotSameAs(secondLoop);

        String firstPort = on(first, this::callServer);
        String secondPort = on(second, this::callServer);
        String firstAgain = on(first, this::callServer);

        assertThat(secondPort).as("the second event loop opens its own connection").isNotEqualTo(firstPort);
        assertThat(firstAgain).as("the first event loop reuses its kept-alive connection").isEqualTo(firstPort);
        HttpClient firstClient = on(first, () -> Future.succeededFuture(clients.current(CONNECT_MS)));
        HttpClient firstClientAgain = on(first, () -> Future.succeededFuture(clients.current(CONNECT_MS)));
        HttpClient secondClient = on(second, () -> Future.succeededFuture(clients.current(CONNECT_MS)));
        assertThat(firstClientAgain).isSameAs(firstClient);
        assertThat(secondClient).isNotSameAs(firstClient);
    }

    @Test
    void offAnEventLoopOneSharedClientServes() {
        HttpClient shared = clients.current(CONNECT_MS);
        assertThat(clients.current(CONNECT_MS)).isSameAs(shared);
    }

    @Test
    void theCapPerHostIsSharedOutOverTheEventLoops() {
        assertThat(UpstreamClients.perEventLoop(10_000, 4)).isEqualTo(2_500);
        assertThat(UpstreamClients.perEventLoop(10, 4)).as("rounded up").isEqualTo(3);
        assertThat(UpstreamClients.perEventLoop(1, 4)).as("at least one connection per event loop").isEqualTo(1);
        assertThat(clients.connectionsPerEventLoop()).isEqualTo(UpstreamClients.perEventLoop(8, VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE));
    }

    @Test
    void eachConnectTimeoutHasItsOwnClient() {
        assertThat(clients.current(500)).isNotSameAs(clients.current(CONNECT_MS)).isSameAs(clients.current(500));
    }

    private Future<String> callServer() {
        return clients.current(CONNECT_MS)
                .request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(server.actualPort()).setURI("/"))
                .compose(request -> request.send())
                .compose(HttpClientResponse::body)
                .map(body -> body.toString());
    }

    private static <T> T on(Context context, Supplier<Future<T>> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> action.get().onComplete(ar -> {
            if (ar.succeeded()) {
                result.complete(ar.result());
            } else {
                result.completeExceptionally(ar.cause());
            }
        }));
        return result.get(10, TimeUnit.SECONDS);
    }
}
