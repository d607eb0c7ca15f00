package dev.switchboard.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.testing.OpenAiSimulator;
import dev.switchboard.gateway.testing.RedisServer;
import dev.switchboard.gateway.testing.TempDirs;

/**
 * Two packaged gateways as their own processes ({@code switchboard run}, as two replicas of one policy), sharing the
 * policy's Redis: an answer one of them stored is a hit on the other, for JSON and for a stream, and the upstream is
 * called once.
 */
class RedisSharedCacheIT {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Process> gateways = new ArrayList<>();
    private OpenAiSimulator simulator;
    private RedisServer redis;
    private Path sources;

    @AfterEach
    void stop() throws Exception {
        for (Process gateway : gateways) {
            gateway.destroy();
            if (!gateway.waitFor(20, TimeUnit.SECONDS)) {
                gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (simulator != null) {
            simulator.close();
        }
        if (redis != null) {
            redis.close();
        }
        TempDirs.delete(sources);
    }

    @Test
    void aReplicaServesWhatAnotherStored() throws Exception {
        simulator = OpenAiSimulator.start(0);
        redis = RedisServer.start(null);
        sources = Files.createTempDirectory("switchboard-redis-cache");
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
                  name: cached
                spec:
                  model: cached
                  targets:
                  - {provider: upstream, model: upstream-cached}
                  cache: {ttl: 10m}
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: RoutingPolicy
                metadata:
                  name: replicas
                spec:
                  access:
                    mode: Open
                    redis: {endpoint: '127.0.0.1:%d', timeout: 2s}
                """.formatted(simulator.baseUrl(), redis.port()));
        URI first = start("first");
        URI second = start("second");

        HttpResponse<String> stored = chat(first, "shared across replicas", false);
        HttpResponse<String> hit = chat(second, "shared across replicas", false);
        HttpResponse<String> streamStored = chat(second, "streamed across replicas", true);
        HttpResponse<String> streamHit = chat(first, "streamed across replicas", true);

        assertThat(stored.headers().firstValue("x-switchboard-cache")).hasValue("miss");
        assertThat(hit.headers().firstValue("x-switchboard-cache")).hasValue("hit");
        assertThat(hit.body()).isEqualTo(stored.body());
        assertThat(streamStored.headers().firstValue("x-switchboard-cache")).hasValue("miss");
        assertThat(streamHit.headers().firstValue("x-switchboard-cache")).hasValue("hit");
        assertThat(streamHit.body()).contains("data: [DONE]", "echo").contains("streamed");
        assertThat(simulator.received()).hasSize(2);
    }

    private URI start(String name) throws Exception {
        int port = freePort();
        int management = freePort();
        Path log = sources.resolve(name + ".log");
        gateways.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-jar", Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath().toString(),
                "run", "-f", sources.toString(), "-p", Integer.toString(port), "--management-port", Integer.toString(management))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start());
        awaitReady(URI.create("http://127.0.0.1:" + management + "/q/health/ready"), log);
        return URI.create("http://127.0.0.1:" + port);
    }

    private HttpResponse<String> chat(URI base, String prompt, boolean stream) throws Exception {
        String body = "{\"model\":\"cached\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
        return http.send(HttpRequest.newBuilder(base.resolve("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void awaitReady(URI uri, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError(uri + " never became ready; gateway log:\n" + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
