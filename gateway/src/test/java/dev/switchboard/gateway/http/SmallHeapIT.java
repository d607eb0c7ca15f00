package dev.switchboard.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.testing.GatewayProcess;
import dev.switchboard.gateway.testing.OpenAiSimulator;
import dev.switchboard.gateway.testing.TempDirs;
import io.vertx.core.json.JsonObject;

/**
 * The packaged gateway as its own process with a 128 MB heap, exiting on the first OutOfMemoryError: an upstream
 * answer of 200 MB and client bodies of 4 MiB made of tiny nested objects each get a typed error, and the gateway
 * keeps serving normal requests after every one of them.
 */
class SmallHeapIT {

    private static final long ANSWER_BYTES = 200_000_000;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static OpenAiSimulator simulator;
    private static Path sources;
    private static GatewayProcess gateway;

    @BeforeAll
    static void start() throws Exception {
        simulator = OpenAiSimulator.start(0);
        sources = Files.createTempDirectory("switchboard-small-heap");
        Files.writeString(sources.resolve("gateway.yaml"), """
                apiVersion: switchboard.dev/v1alpha1
                kind: Provider
                metadata:
                  name: upstream
                spec:
                  type: OpenAICompatible
                  endpoint: %1$s
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: Provider
                metadata:
                  name: anthropic
                spec:
                  type: Anthropic
                  endpoint: %1$s
                  credentials: {secretRef: {name: anthropic-keys}}
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: anthropic-keys
                  labels: {switchboard.dev/usable: "true"}
                stringData:
                  key: sk-unused
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: ModelGroup
                metadata:
                  name: huge
                spec:
                  model: huge
                  targets:
                  - {provider: upstream, model: large-%2$d}
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
                kind: ModelGroup
                metadata:
                  name: claude
                spec:
                  model: claude
                  targets:
                  - {provider: anthropic, model: claude-sim}
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: RoutingPolicy
                metadata:
                  name: local
                spec:
                  access:
                    mode: Open
                """.formatted(simulator.baseUrl(), ANSWER_BYTES));
        gateway = GatewayProcess.start(sources, "-Xmx128m", "-XX:+ExitOnOutOfMemoryError");
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (simulator != null) {
            simulator.close();
        }
        TempDirs.delete(sources);
    }

    @Test
    void anAnswerOf200MegabytesIsCutOffWithATypedError() throws Exception {
        for (String path : new String[] { "/v1/embeddings", "/v1/chat/completions", "/v1/embeddings" }) {
            String body = path.endsWith("embeddings") ? "{\"model\":\"huge\",\"input\":\"a lot\"}"
                    : "{\"model\":\"huge\",\"messages\":[{\"role\":\"user\",\"content\":\"a lot\"}]}";
            HttpResponse<String> response = post(path, body);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(502);
            JsonObject error = new JsonObject(response.body()).getJsonObject("error");
            assertThat(error.getString("code")).isEqualTo("upstream_response_too_large");
            assertThat(error.getString("message")).contains("33554432").contains("maxResponseBodyBytes");
            assertStillServing();
        }
    }

    /**
     * Four such bodies at once where they are translated: parsed into trees as they were, a few of them take the whole
     * heap (one alone is about two thirds of it). Relayed untranslated, one is never parsed into a tree at all.
     */
    @Test
    void bodiesOfTinyNestedObjectsAreRefusedBeforeTheyFillTheHeap() throws Exception {
        String nested = tinyNestedObjects(4 * 1024 * 1024 - 200);

        for (HttpResponse<String> messages : postConcurrently(4, "/v1/messages",
                "{\"model\":\"echo\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"metadata\":" + nested + "}")) {
            assertThat(messages.statusCode()).as(messages.body()).isEqualTo(400);
            assertThat(new JsonObject(messages.body()).getJsonObject("error").getString("message")).contains("250000 JSON tokens");
        }
        assertStillServing();

        for (HttpResponse<String> translated : postConcurrently(4, "/v1/chat/completions",
                "{\"model\":\"claude\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"metadata\":" + nested + "}")) {
            assertThat(translated.statusCode()).as(translated.body()).isEqualTo(400);
            assertThat(new JsonObject(translated.body()).getJsonObject("error").getString("code")).isEqualTo("request_too_complex");
        }
        assertStillServing();

        HttpResponse<String> relayed = post("/v1/chat/completions",
                "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"metadata\":" + nested + "}");
        assertThat(relayed.statusCode()).as(relayed.body()).isEqualTo(200);
        assertStillServing();
    }

    /** {"a":[{},{},...]} of about the given length: well over a million empty objects. */
    private static String tinyNestedObjects(int length) {
        StringBuilder json = new StringBuilder(length + 16).append("{\"a\":[{}");
        while (json.length() < length - 4) {
            json.append(",{}");
        }
        return json.append("]}").toString();
    }

    private static List<HttpResponse<String>> postConcurrently(int count, String path, String body) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(HTTP.sendAsync(request(path, body), HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> response : sent) {
            try {
                responses.add(response.get(60, TimeUnit.SECONDS));
            } catch (ExecutionException e) {
                throw new AssertionError("no answer to " + path + " (gateway alive: " + gateway.process().isAlive() + "); gateway log:\n" + gateway.logTail(), e);
            }
        }
        return responses;
    }

    private static HttpRequest request(String path, String body) {
        return HttpRequest.newBuilder(gateway.base().resolve(path)).timeout(Duration.ofSeconds(60))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static void assertStillServing() throws Exception {
        HttpResponse<String> echo = post("/v1/chat/completions", "{\"model\":\"echo\",\"messages\":[{\"role\":\"user\",\"content\":\"still there\"}]}");
        assertThat(echo.statusCode()).as("a normal request after it; gateway log:\n%s", gateway.logTail()).isEqualTo(200);
        assertThat(echo.body()).contains("echo: still there");
        assertThat(gateway.process().isAlive()).isTrue();
        assertThat(gateway.output()).doesNotContain("OutOfMemoryError");
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        try {
            return HTTP.send(request(path, body), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("no answer to " + path + " (gateway alive: " + gateway.process().isAlive() + "); gateway log:\n" + gateway.logTail(), e);
        }
    }
}
