package dev.switchboard.gateway.dialect.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.gateway.upstream.PoolWaits;
import dev.switchboard.gateway.upstream.UpstreamCall;
import dev.switchboard.gateway.upstream.UpstreamClients;
import dev.switchboard.gateway.upstream.UpstreamFailure;
import dev.switchboard.gateway.upstream.UpstreamListener;
import dev.switchboard.gateway.upstream.UpstreamRequest;
import dev.switchboard.routing.PolicySettings;
import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;

/**
 * A request the Gemini adapter refuses is answered on a later turn of the event loop, like a real answer; a call
 * cancelled before then (the client left, the deadline passed) stays silent, like every other call.
 */
class GeminiUpstreamTest {

    private Vertx vertx;
    private UpstreamClients clients;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        clients = new UpstreamClients(vertx, new HttpClientOptions(), 8, new PoolWaits(new SimpleMeterRegistry()));
    }

    @AfterEach
    void stop() throws Exception {
        clients.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aRefusalCancelledBeforeItIsAnsweredIsNeverHeard() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> later = new CompletableFuture<>();
        Context context = vertx.getOrCreateContext();

        context.runOnContext(v -> {
            UpstreamCall call = new GeminiUpstream(vertx, clients).send(request("{\"model\":\"gemini-2.0-flash\",\"prompt\":\"hi\",\"echo\":true}"),
                    recording(heard));
            call.cancel();
            // Two turns later whatever the refusal queued on this context has run.
            context.runOnContext(v2 -> context.runOnContext(v3 -> later.complete(null)));
        });

        later.get(10, TimeUnit.SECONDS);
        assertThat(heard).isEmpty();
    }

    @Test
    void aRefusalNotCancelledIsAnsweredAsAnInvalidRequest() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> later = new CompletableFuture<>();
        Context context = vertx.getOrCreateContext();

        context.runOnContext(v -> {
            new GeminiUpstream(vertx, clients).send(request("{\"model\":\"gemini-2.0-flash\",\"prompt\":\"hi\",\"echo\":true}"), recording(heard));
            context.runOnContext(v2 -> context.runOnContext(v3 -> later.complete(null)));
        });

        later.get(10, TimeUnit.SECONDS);
        assertThat(heard).hasSize(3);
        assertThat(heard.get(0)).isEqualTo("head 400");
        assertThat(heard.get(1)).contains("\"param\":\"echo\"").contains("\"code\":\"unsupported_feature\"");
        assertThat(heard.get(2)).isEqualTo("end");
    }

    private static UpstreamRequest request(String body) {
        UpstreamProvider provider = new UpstreamProvider("gemini", "Gemini", "http://127.0.0.1:1", null, null,
                new Timeouts(2_000, 30_000, 30_000, 60_000), null, null, null, null);
        return new UpstreamRequest(provider, "key", Operation.COMPLETIONS, Buffer.buffer(body), false, "r-1", provider.timeouts(), PolicySettings.DEFAULT_MAX_RESPONSE_BODY_BYTES);
    }

    private static UpstreamListener recording(List<String> heard) {
        return new UpstreamListener() {
            @Override
            public void onHead(int status, MultiMap headers) {
                heard.add("head " + status);
            }

            @Override
            public void onChunk(Buffer chunk) {
                heard.add(chunk.toString());
            }

            @Override
            public void onEnd() {
                heard.add("end");
            }

            @Override
            public void onFailure(UpstreamFailure failure) {
                heard.add("failure " + failure.message());
            }
        };
    }
}
