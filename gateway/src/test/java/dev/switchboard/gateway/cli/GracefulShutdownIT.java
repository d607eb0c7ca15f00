package dev.switchboard.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.testing.GatewayProcess;
import dev.switchboard.gateway.testing.OpenAiSimulator;
import dev.switchboard.gateway.testing.TempDirs;

/**
 * The packaged gateway as its own process ({@code switchboard run}), stopped with SIGTERM while a stream is in
 * flight, as Kubernetes stops a pod: readiness turns DOWN at once, requests are still served for the shutdown
 * delay, then new ones are refused while the stream in flight still finishes whole, and the process exits by itself.
 */
class GracefulShutdownIT {

    private static final Duration DELAY = Duration.ofSeconds(3);
    private static final long STREAM_MILLIS = 8_000;
    /** 128 + 15: how the JVM reports an exit on SIGTERM once its shutdown hooks have run. */
    private static final int EXIT_ON_SIGTERM = 143;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private OpenAiSimulator simulator;
    private Path sources;
    private GatewayProcess gateway;

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        TempDirs.delete(sources);
    }

    @Test
    void sigtermLetsTheStreamInFlightFinish() throws Exception {
        simulator = OpenAiSimulator.start(0);
        sources = Files.createTempDirectory("switchboard-shutdown-src");
        writeSources();
        gateway = GatewayProcess.start(sources, "-Xmx256m", "-Dquarkus.shutdown.delay=" + DELAY.toSeconds() + "s");
        URI base = gateway.base();

        List<String> events = new CopyOnWriteArrayList<>();
        CountDownLatch firstChunk = new CountDownLatch(1);
        CompletableFuture<HttpResponse<Void>> stream = http.sendAsync(chat(base, "drip", true),
                HttpResponse.BodyHandlers.fromLineSubscriber(new LineCollector(events, firstChunk)));
        assertThat(firstChunk.await(30, TimeUnit.SECONDS)).as("first chunk of the stream").isTrue();

        gateway.process().destroy(); // SIGTERM

        // Not ready any more, yet still serving: a request after the signal and before the refusals below came during the delay.
        gateway.awaitReadiness(503, DELAY);
        HttpResponse<String> duringDelay = http.send(chat(base, "echo", false), HttpResponse.BodyHandlers.ofString());
        assertThat(duringDelay.statusCode()).as("a request during the shutdown delay is served").isEqualTo(200);
        assertThat(duringDelay.body()).contains("echo: hello");

        int refused = awaitRefusal(base, Duration.ofSeconds(5));
        assertThat(refused).as("after the delay, new requests are refused").isEqualTo(503);
        assertThat(stream).as("the stream is still in flight when new requests are refused").isNotDone();

        HttpResponse<Void> streamed = stream.get(30, TimeUnit.SECONDS);
        assertThat(streamed.statusCode()).isEqualTo(200);
        List<String> data = events.stream().filter(line -> line.startsWith("data: ")).toList();
        assertThat(data).hasSize(OpenAiSimulator.DRIP_CHUNKS + 1);
        assertThat(data.get(data.size() - 1)).isEqualTo("data: [DONE]");
        assertThat(String.join("\n", data)).contains("drip " + OpenAiSimulator.DRIP_CHUNKS);

        assertThat(gateway.process().waitFor(20, TimeUnit.SECONDS)).as("the gateway exits once the stream is done").isTrue();
        assertThat(gateway.process().exitValue()).isEqualTo(EXIT_ON_SIGTERM);
        assertThat(simulator.openRequests()).isZero();
        assertThat(simulator.cancelledStreams()).isZero();
    }

    private void writeSources() throws IOException {
        Files.writeString(sources.resolve("gateway.yaml"), """
                apiVersion: switchboard.dev/v1alpha1
                kind: Provider
                metadata:
                  name: upstream
                spec:
                  type: OpenAICompatible
                  endpoint: %s
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: ModelGroup
                metadata:
                  name: drip
                spec:
                  model: drip
                  targets:
                  - {provider: upstream, model: drip-%d}
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: ModelGroup
                metadata:
                  name: echo
                spec:
                  model: echo
                  targets:
                  - {provider: upstream, model: echo}
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: RoutingPolicy
                metadata:
                  name: local
                spec:
                  access:
                    mode: Open
                """.formatted(simulator.baseUrl(), STREAM_MILLIS));
    }

    private static HttpRequest chat(URI base, String model, boolean stream) {
        String body = "{\"model\":\"%s\",\"stream\":%s,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}"
                .formatted(model, stream);
        return HttpRequest.newBuilder(base.resolve("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** Sends plain requests until one is not served; its status, or -1 when the connection itself was refused. */
    private int awaitRefusal(URI base, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                int status = http.send(chat(base, "echo", false), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status != 200) {
                    return status;
                }
            } catch (IOException refused) {
                return -1;
            }
            Thread.sleep(200);
        }
        return 200;
    }

    /** Keeps every line of the event stream and signals the first data line. */
    private record LineCollector(List<String> lines, CountDownLatch firstData) implements Flow.Subscriber<String> {
        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            lines.add(line);
            if (line.startsWith("data: ")) {
                firstData.countDown();
            }
        }

        @Override
        public void onError(Throwable error) {
            lines.add("error: " + error);
        }

        @Override
        public void onComplete() {
        }
    }
}
