package dev.switchboard.gateway.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.KubeletDirectory;
import dev.switchboard.gateway.testing.ReloadTestResource;
import dev.switchboard.gateway.testing.TestTables;
import dev.switchboard.gateway.table.RoutingState;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.ModelRoute.Target;
import dev.switchboard.routing.PolicySettings;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.RoutingTableCodec;
import dev.switchboard.routing.SecretFile;
import dev.switchboard.routing.UpstreamProvider;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;

/**
 * The table is replaced 50 times while clients keep calling: by kubelet-style symlink swaps, then by plain
 * writes, with invalid versions among them. No request may fail, every valid version must come to serve, and
 * every invalid one must be rejected, counted, and leave the previous table serving.
 */
@QuarkusTest
@QuarkusTestResource(value = ReloadTestResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HotReloadTest {

    private static final int VERSIONS = 50;
    private static final int CLIENTS = 4;
    /** Generous upper bound so a slow machine does not fail the test; the observed worst case is printed. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TestHTTPResource("/")
    URL root;

    @Inject
    MeterRegistry registry;

    private URI uri(String path) {
        return URI.create(root.toString()).resolve(path);
    }

    @Test
    @Order(1)
    void tableIsReplacedFiftyTimesUnderLoadWithoutAFailedRequest() throws Exception {
        // The routing directory starts empty: nothing to serve yet.
        assertThat(Http.get(uri("/v1/models")).statusCode()).isEqualTo(503);
        assertThat(Http.error(Http.get(uri("/v1/models"))).getString("code")).isEqualTo("routing_table_not_loaded");
        assertThat(Http.get(uri("/q/health/ready")).statusCode()).isEqualTo(503);

        List<SecretFile> keys = TestTables.writeKeys(ReloadTestResource.secretDir());
        Path routingDir = ReloadTestResource.routingDir();
        KubeletDirectory kubelet = new KubeletDirectory(routingDir);
        kubelet.publish("routing.json", RoutingTableCodec.toJson(version(0, keys)));
        awaitServing(0);
        assertThat(Http.get(uri("/q/health/ready")).statusCode()).isEqualTo(200);

        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger served = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> clients = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            boolean stream = c % 2 == 1;
            clients.add(pool.submit(() -> callStableUntilStopped(running, stream, served, failures)));
        }

        double before = reloads("failure");
        int invalid = 0;
        long slowestMs = 0;
        int lastValid = 0;
        for (int i = 1; i <= VERSIONS; i++) {
            byte[] content = i % 10 == 3 ? "{ \"schemaVersion\": 1, \"settings\": ".getBytes(StandardCharsets.UTF_8)
                    : i % 10 == 7 ? RoutingTableCodec.toJson(invalidVersion(i, keys))
                    : RoutingTableCodec.toJson(version(i, keys));
            boolean valid = i % 10 != 3 && i % 10 != 7;
            if (i <= VERSIONS / 2) {
                kubelet.publish("routing.json", content);
            } else {
                if (Files.isSymbolicLink(routingDir.resolve("routing.json"))) {
                    Files.delete(routingDir.resolve("routing.json"));
                }
                Files.write(routingDir.resolve("routing.json"), content);
            }
            long start = System.nanoTime();
            if (valid) {
                awaitServing(i);
                lastValid = i;
            } else {
                invalid++;
                double expected = before + invalid;
                await(() -> reloads("failure") >= expected, "rejection of version " + i);
                assertThat(Http.get(uri("/v1/models/v" + lastValid)).statusCode()).isEqualTo(200);
            }
            slowestMs = Math.max(slowestMs, (System.nanoTime() - start) / 1_000_000);
        }

        running.set(false);
        for (Future<?> client : clients) {
            client.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        System.out.printf("hot reload: %d requests served during %d replacements, slowest switch %d ms%n",
                served.get(), VERSIONS, slowestMs);
        assertThat(failures).isEmpty();
        assertThat(served.get()).isGreaterThan(VERSIONS);
        assertThat(reloads("failure") - before).isGreaterThanOrEqualTo(invalid);
        assertThat(reloads("success")).isGreaterThanOrEqualTo(VERSIONS - invalid + 1);
    }

    @Test
    @Order(2)
    void rotatedSecretFileIsPickedUp() throws Exception {
        List<SecretFile> keys = TestTables.writeKeys(ReloadTestResource.secretDir());
        TestTables.write(version(100, keys), ReloadTestResource.routingDir());
        awaitServing(100);

        Files.writeString(ReloadTestResource.secretDir().resolve("key-a"), "sk-rotated\n");
        Files.writeString(ReloadTestResource.secretDir().resolve("key-b"), "sk-rotated\n");
        await(() -> {
            Http.post(uri("/v1/chat/completions"), chat("stable", false));
            return "Bearer sk-rotated".equals(ReloadTestResource.simulator().last().authorization());
        }, "the rotated key");
    }

    @Test
    @Order(3)
    void aRequestInFlightFinishesOnTheTableItStartedWith() throws Exception {
        List<SecretFile> keys = TestTables.writeKeys(ReloadTestResource.secretDir());
        RoutingTable withSlow = version(200, keys);
        List<ModelRoute> models = new ArrayList<>(withSlow.models());
        models.add(TestTables.route("slow", "Weighted", TestTables.target("sim-openai", "slow-1500")));
        TestTables.write(new RoutingTable(withSlow.schemaVersion(), withSlow.source(), withSlow.settings(), null,
                withSlow.providers(), models), ReloadTestResource.routingDir());
        awaitServing(200);

        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture
                .supplyAsync(() -> Http.post(uri("/v1/chat/completions"), chat("slow", false)));
        await(() -> ReloadTestResource.simulator().received().stream()
                .anyMatch(r -> "slow-1500".equals(r.body().getString("model"))), "the slow request to reach the upstream");
        TestTables.write(version(201, keys), ReloadTestResource.routingDir());
        awaitServing(201);
        assertThat(Http.get(uri("/v1/models/slow")).statusCode()).isEqualTo(404);

        HttpResponse<String> response = inFlight.get(60, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(response.body()).getString("model")).isEqualTo("slow");
    }

    @Inject
    RoutingState state;

    /**
     * A reload that keeps a route's targets keeps its weighted rotation; the failing first choice must still be
     * tried once, not once as the rotation's (older table's) target and again as the table's own.
     */
    @Test
    @Order(4)
    void afterASecretRotationAFailingFirstChoiceIsTriedOnce() throws Exception {
        List<SecretFile> keys = TestTables.writeKeys(ReloadTestResource.secretDir());
        RoutingTable base = version(300, keys);
        PolicySettings failOver = new PolicySettings("Weighted", new PolicySettings.Retry(0, 0, 0, PolicySettings.RETRY_CONDITIONS),
                new PolicySettings.CircuitBreaker(10, null, 60_000, 30_000, 1), 60_000, TestTables.MAX_BODY_BYTES);
        List<ModelRoute> models = new ArrayList<>(base.models());
        models.add(TestTables.route("reload-weighted", "Weighted", new Target("sim-openai", "fail-500~reload-weighted", 100, 0),
                new Target("sim-openai", "upstream-reload-weighted", 1, 0)));
        TestTables.write(new RoutingTable(base.schemaVersion(), base.source(), failOver, null, base.providers(), models),
                ReloadTestResource.routingDir());
        awaitServing(300);
        assertThat(Http.post(uri("/v1/chat/completions"), chat("reload-weighted", false)).statusCode()).isEqualTo(200);

        var before = state.current();
        Files.writeString(ReloadTestResource.secretDir().resolve("key-b"), "sk-rotated-again\n");
        await(() -> state.current() != before, "the rotated secret to be loaded");

        long failingCalls = failingCalls();
        HttpResponse<String> response = Http.post(uri("/v1/chat/completions"), chat("reload-weighted", false));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-switchboard-attempts")).hasValue("2");
        assertThat(failingCalls() - failingCalls).as("calls to the failing target").isEqualTo(1);
        JsonObject failing = new JsonObject(Http.get(uri("/q/switchboard/targets")).body()).getJsonArray("targets").stream()
                .map(JsonObject.class::cast).filter(t -> t.getString("upstreamModel").equals("fail-500~reload-weighted"))
                .findFirst().orElseThrow();
        assertThat(failing.getInteger("consecutiveFailures")).as("one breaker failure per request").isEqualTo(2);
    }

    private static long failingCalls() {
        return ReloadTestResource.simulator().received().stream()
                .filter(r -> "fail-500~reload-weighted".equals(r.body().getString("model"))).count();
    }

    private void callStableUntilStopped(AtomicBoolean running, boolean stream, AtomicInteger served,
            ConcurrentLinkedQueue<String> failures) {
        // Bounded so a gateway that never stops answering cannot keep the test alive.
        for (int n = 0; n < 20_000 && running.get(); n++) {
            try {
                HttpResponse<String> response = Http.post(uri("/v1/chat/completions"), chat("stable", stream));
                boolean complete = !stream || response.body().contains("[DONE]");
                if (response.statusCode() != 200 || !complete) {
                    failures.add(response.statusCode() + " " + response.body());
                } else {
                    served.incrementAndGet();
                }
            } catch (RuntimeException e) {
                failures.add(e.toString());
            }
        }
    }

    private static String chat(String model, boolean stream) {
        return "{\"model\":\"" + model + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    private static RoutingTable version(int n, List<SecretFile> keys) {
        UpstreamProvider upstream = TestTables.openAi("sim-openai", ReloadTestResource.simulator().baseUrl(), keys, 30_000);
        return new RoutingTable(RoutingTable.SCHEMA_VERSION, new RoutingTable.Source("test", "reload"), TestTables.settings(),
                null, List.of(upstream), List.of(
                        TestTables.route("stable", "Weighted", TestTables.target("sim-openai", "upstream-stable")),
                        TestTables.route("v" + n, "Weighted", TestTables.target("sim-openai", "upstream-v" + n))));
    }

    /** Parses fine but fails validation: a route points at a provider the table does not have. */
    private static RoutingTable invalidVersion(int n, List<SecretFile> keys) {
        RoutingTable valid = version(n, keys);
        List<ModelRoute> models = new ArrayList<>(valid.models());
        models.add(TestTables.route("orphan", "Weighted", TestTables.target("no-such-provider", "x")));
        return new RoutingTable(valid.schemaVersion(), valid.source(), valid.settings(), null, valid.providers(), models);
    }

    private void awaitServing(int version) throws InterruptedException {
        await(() -> Http.get(uri("/v1/models/v" + version)).statusCode() == 200, "version " + version + " to serve");
    }

    private double reloads(String result) {
        Counter counter = registry.find("switchboard.reloads").tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
