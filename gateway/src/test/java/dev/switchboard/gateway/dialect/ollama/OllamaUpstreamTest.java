package dev.switchboard.gateway.dialect.ollama;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.testing.OllamaSimulator;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.gateway.upstream.PoolWaits;
import dev.switchboard.gateway.upstream.UpstreamClients;
import dev.switchboard.gateway.upstream.UpstreamFailure;
import dev.switchboard.gateway.upstream.UpstreamListener;
import dev.switchboard.gateway.upstream.UpstreamRequest;
import dev.switchboard.routing.PolicySettings;
import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;

/**
 * The Ollama adapter over real HTTP to the {@link OllamaSimulator}: a call runs under the timeouts of its request
 * (the provider's, cut to what is left of the deadline), not the provider's own.
 */
class OllamaUpstreamTest {

    private OllamaSimulator simulator;
    private Vertx vertx;
    private UpstreamClients clients;

    @BeforeEach
    void start() throws Exception {
        simulator = OllamaSimulator.start(0);
        vertx = Vertx.vertx();
        clients = new UpstreamClients(vertx, new HttpClientOptions(), 8, new PoolWaits(new SimpleMeterRegistry()));
    }

    @AfterEach
    void stop() throws Exception {
        clients.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        simulator.close();
    }

    @Test
    void aCallRunsUnderTheTimeoutsOfItsRequestNotThoseOfItsProvider() throws Exception {
        UpstreamProvider provider = new UpstreamProvider("ollama", "Ollama", simulator.baseUrl(), null, null,
                new Timeouts(2_000, 60_000, 60_000, 120_000), null, null, null, null);
        Timeouts capped = new Timeouts(2_000, 300, 300, 1_000);
        UpstreamRequest request = new UpstreamRequest(provider, null, Operation.CHAT,
                Buffer.buffer("{\"model\":\"stall\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), false, "r-1", capped, PolicySettings.DEFAULT_MAX_RESPONSE_BODY_BYTES);
        CompletableFuture<UpstreamFailure> failed = new CompletableFuture<>();

        vertx.runOnContext(v -> new OllamaUpstream(vertx, clients).send(request, new UpstreamListener() {
            @Override
            public void onHead(int status, MultiMap headers) {
                failed.completeExceptionally(new AssertionError("a stalled call answered " + status));
            }

            @Override
            public void onChunk(Buffer chunk) {
            }

            @Override
            public void onEnd() {
            }

            @Override
            public void onFailure(UpstreamFailure failure) {
                failed.complete(failure);
            }
        }));

        // The provider's own first-byte timeout is a minute; the request's, 300 ms.
        UpstreamFailure failure = failed.get(20, TimeUnit.SECONDS);
        assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.TIMEOUT);
        assertThat(failure.message()).startsWith("no response within 300 ms");
    }
}
