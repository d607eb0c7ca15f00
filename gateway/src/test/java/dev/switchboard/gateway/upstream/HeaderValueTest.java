package dev.switchboard.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.routing.PolicySettings;
import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;

/**
 * A key or header value the HTTP client refuses (a line break inside it) must end the call at once as a typed failure
 * that does not quote the value: not a request that waits for its deadline, and not an error message carrying
 * {@code Bearer sk-…}. The reload path refuses such secret values before they get here; this is the last line.
 */
class HeaderValueTest {

    static final String SECRET = "sk-live-0123456789";

    private Vertx vertx;
    private HttpServer server;
    private UpstreamClients clients;
    private final List<String> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer()
                .requestHandler(request -> {
                    received.add(request.headers().toString());
                    request.response().putHeader("content-type", "application/json").end("{}");
                })
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        clients = new UpstreamClients(vertx, new HttpClientOptions(), 8, new PoolWaits(new SimpleMeterRegistry()));
    }

    @AfterEach
    void stop() throws Exception {
        clients.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** The failure the listener got; the call's total timeout (a minute) is far beyond the wait. */
    private UpstreamFailure call(String apiKey, Map<String, String> headers) throws Exception {
        var provider = new UpstreamProvider("p", "OpenAI", "http://127.0.0.1:" + server.actualPort(), null, headers,
                new Timeouts(2_000, 60_000, 60_000, 60_000), null, null, null, null, null);
        var request = new UpstreamRequest(provider, apiKey, Operation.CHAT, Buffer.buffer("{}"), false, "req-1", provider.timeouts(),
                PolicySettings.DEFAULT_MAX_RESPONSE_BODY_BYTES);
        CompletableFuture<UpstreamFailure> outcome = new CompletableFuture<>();
        vertx.runOnContext(v -> new OpenAiUpstream(vertx, clients).send(request, new UpstreamListener() {
            @Override
            public void onHead(int status, MultiMap headers) {
                outcome.completeExceptionally(new AssertionError("the request was sent, status " + status));
            }

            @Override
            public void onChunk(Buffer chunk) {
            }

            @Override
            public void onEnd() {
                outcome.completeExceptionally(new AssertionError("the request completed"));
            }

            @Override
            public void onFailure(UpstreamFailure failure) {
                outcome.complete(failure);
            }
        }));
        return outcome.get(30, TimeUnit.SECONDS);
    }

    @Test
    void aKeyWithALineBreakIsATypedFailureWithoutTheKey() throws Exception {
        UpstreamFailure failure = call(SECRET + "\r\nx-injected: 1", Map.of());

        assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.CONNECT);
        assertThat(failure.message()).doesNotContain(SECRET, "x-injected");
        assertThat(received).as("nothing reached the upstream").isEmpty();
    }

    @Test
    void aHeaderValueWithALineBreakIsATypedFailureWithoutTheValue() throws Exception {
        UpstreamFailure failure = call("sk-fine", Map.of("x-tenant", "team\nx-injected: " + SECRET));

        assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.CONNECT);
        assertThat(failure.message()).doesNotContain(SECRET, "x-injected");
        assertThat(received).isEmpty();
    }
}
