package dev.switchboard.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.ResilienceTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Load-aware strategies against simulators with skewed speed, through the real HTTP path: the better target
 * must get most of the traffic. Counts, not timings, are asserted.
 */
@QuarkusTest
@QuarkusTestResource(value = ResilienceTestResource.class, restrictToAnnotatedClass = true)
class StrategyUnderLoadTest {

    @TestHTTPResource("/")
    URL root;

    private HttpResponse<String> post(String model, String... headers) {
        return Http.post(URI.create(root.toString()).resolve("/v1/chat/completions"), FailoverTest.chat(model, false), headers);
    }

    private Map<String, Integer> servedBy(String model, int requests, int concurrency) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                futures.add(pool.submit(() -> post(model)));
            }
            Map<String, Integer> counts = new HashMap<>();
            for (Future<HttpResponse<String>> future : futures) {
                HttpResponse<String> response = future.get(30, TimeUnit.SECONDS);
                assertThat(response.statusCode()).isEqualTo(200);
                counts.merge(response.headers().firstValue("x-switchboard-provider").orElseThrow(), 1, Integer::sum);
            }
            return counts;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void lowestLatencySendsMostRequestsToTheFasterTarget() throws Exception {
        Map<String, Integer> counts = servedBy("latency", 40, 1);

        assertThat(counts.getOrDefault("lat-fast", 0)).isGreaterThanOrEqualTo(30);
        assertThat(counts.getOrDefault("lat-slow", 0)).as("the slower target was measured at least once").isPositive();
    }

    @Test
    void leastBusySendsMostRequestsToTheTargetThatFinishesFaster() throws Exception {
        Map<String, Integer> counts = servedBy("busy", 48, 8);

        assertThat(counts.getOrDefault("lat-fast", 0)).isGreaterThan(counts.getOrDefault("lat-slow", 0));
    }

    @Test
    void lowestCostUsesTheCheapestTarget() throws Exception {
        int before = received("ok~cheap");
        servedBy("cost", 10, 2);

        assertThat(received("ok~cheap") - before).isEqualTo(10);
        assertThat(received("ok~dear")).isZero();
    }

    @Test
    void aSessionHeaderKeepsASessionOnOneTarget() {
        List<String> targets = new ArrayList<>();
        for (int session = 0; session < 12; session++) {
            String first = null;
            for (int i = 0; i < 3; i++) {
                assertThat(post("sticky", "x-session-id", "session-" + session).statusCode()).isEqualTo(200);
                String upstream = ResilienceTestResource.simulator().last().body().getString("model");
                if (first == null) {
                    first = upstream;
                } else {
                    assertThat(upstream).as("session %d", session).isEqualTo(first);
                }
            }
            targets.add(first);
        }
        assertThat(targets.stream().distinct().count()).as("sessions spread over the targets").isGreaterThan(1);
    }

    private static int received(String upstreamModel) {
        return (int) ResilienceTestResource.simulator().received().stream()
                .filter(r -> upstreamModel.equals(r.body().getString("model"))).count();
    }
}
