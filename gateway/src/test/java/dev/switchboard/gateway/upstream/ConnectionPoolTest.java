package dev.switchboard.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.testing.ConnectionPoolTestResource;
import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.OpenAiSimulator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * More concurrent streams to one upstream host than the connection pool holds ({@link ConnectionPoolTestResource}:
 * two connections, a 250 ms connect timeout, streams of 400 ms and more). Calls beyond the pool wait for a
 * connection instead of failing as connect failures; the wait counts against the first-byte budget; the pool
 * wait is visible in the metrics.
 */
@QuarkusTest
@QuarkusTestResource(value = ConnectionPoolTestResource.class, restrictToAnnotatedClass = true)
class ConnectionPoolTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TestHTTPResource("/")
    URL root;

    /** Metrics are served on the management port. */
    @TestHTTPResource(value = "/", management = true)
    URL management;

    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private URI uri(String path) {
        return URI.create(root.toString()).resolve(path);
    }

    @AfterEach
    void nothingLeftHanging() throws InterruptedException {
        await(() -> ConnectionPoolTestResource.simulator().openRequests() == 0 && waiting("pooled") == 0, "calls to finish");
    }

    @Test
    void moreStreamsThanConnectionsAllCompleteWhole() throws Exception {
        int streams = 12;
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            responses.add(stream("drip"));
        }
        int mostOpen = 0;
        boolean someWaited = false;
        while (!CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).isDone()) {
            mostOpen = Math.max(mostOpen, ConnectionPoolTestResource.simulator().openRequests());
            someWaited |= waiting("pooled") > 0;
            Thread.sleep(10);
        }

        for (CompletableFuture<HttpResponse<String>> response : responses) {
            assertWhole(response.get());
        }
        assertThat(mostOpen).as("streams open at the upstream at once").isLessThanOrEqualTo(ConnectionPoolTestResource.CONNECTIONS);
        assertThat(someWaited).as("calls were seen waiting for a connection (switchboard_upstream_pool_waiting)").isTrue();
        assertThat(sample("switchboard_upstream_pool_wait_seconds_count", "pooled")).isGreaterThanOrEqualTo(streams);
    }

    @Test
    void aCallThatWaitsBeyondItsFirstByteBudgetTimesOutAndIsNoConnectFailure() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> holders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            holders.add(stream("hold"));
        }
        // Both connections stream, and the other two holders wait for them.
        await(() -> ConnectionPoolTestResource.simulator().openRequests() == ConnectionPoolTestResource.CONNECTIONS
                && waiting("pooled") == 2, "both connections busy and two calls waiting");

        HttpResponse<String> impatient = Http.post(uri("/v1/chat/completions"),
                "{\"model\":\"impatient\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(impatient.statusCode()).isEqualTo(504);
        JsonObject error = Http.error(impatient);
        assertThat(error.getString("code")).isEqualTo("upstream_timeout");
        assertThat(error.getString("message")).contains("no response within " + ConnectionPoolTestResource.IMPATIENT_FIRST_BYTE_MS + " ms")
                .contains("waiting for a connection");
        for (CompletableFuture<HttpResponse<String>> holder : holders) {
            assertWhole(holder.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        }
    }

    private CompletableFuture<HttpResponse<String>> stream(String model) {
        HttpRequest request = HttpRequest.newBuilder(uri("/v1/chat/completions")).timeout(PATIENCE)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build();
        return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void assertWhole(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(Pattern.compile("drip \\d+\"").matcher(response.body()).results().count()).as("chunks")
                .isEqualTo(OpenAiSimulator.DRIP_CHUNKS);
        assertThat(response.body()).endsWith("data: [DONE]\n\n");
    }

    private double waiting(String provider) {
        return sample("switchboard_upstream_pool_waiting", provider);
    }

    /** The value of a metric's sample for a provider on /q/metrics; 0 when there is none yet. */
    private double sample(String metric, String provider) {
        Matcher line = Pattern.compile("(?m)^" + metric + "\\{provider=\"" + provider + "\"[^}]*} (\\S+)$")
                .matcher(Http.get(URI.create(management.toString()).resolve("/q/metrics")).body());
        return line.find() ? Double.parseDouble(line.group(1)) : 0;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long until = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited for " + what).isLessThan(until);
            Thread.sleep(20);
        }
    }
}
