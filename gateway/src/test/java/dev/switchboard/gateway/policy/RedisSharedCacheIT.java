package dev.switchboard.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.testing.GatewayProcess;
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
    private final List<GatewayProcess> gateways = new ArrayList<>();
    private final List<Path> sources = new ArrayList<>();
    private OpenAiSimulator simulator;
    private RedisServer redis;

    @AfterEach
    void stop() throws Exception {
        for (GatewayProcess gateway : gateways) {
            gateway.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        if (redis != null) {
            redis.close();
        }
        for (Path directory : sources) {
            TempDirs.delete(directory);
        }
    }

    @Test
    void aReplicaServesWhatAnotherStored() throws Exception {
        simulator = OpenAiSimulator.start(0);
        redis = RedisServer.start(null);
        String resources = """
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
                """.formatted(simulator.baseUrl(), redis.port());
        URI first = start(resources);
        URI second = start(resources);

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

    /** A replica of its own: its own directory (so its own log), the same resources. */
    private URI start(String resources) throws Exception {
        Path directory = Files.createTempDirectory("switchboard-redis-cache");
        sources.add(directory);
        Files.writeString(directory.resolve("gateway.yaml"), resources);
        GatewayProcess gateway = GatewayProcess.start(directory, "-Xmx256m");
        gateways.add(gateway);
        return gateway.base();
    }

    private HttpResponse<String> chat(URI base, String prompt, boolean stream) throws Exception {
        String body = "{\"model\":\"cached\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}";
        return http.send(HttpRequest.newBuilder(base.resolve("/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
