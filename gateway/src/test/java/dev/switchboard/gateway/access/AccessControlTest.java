package dev.switchboard.gateway.access;

import static dev.switchboard.gateway.testing.AccessTestResource.KEYS;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import dev.switchboard.gateway.access.redis.RedisCounters;
import dev.switchboard.gateway.testing.AccessTestResource;
import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.TestClock;
import dev.switchboard.routing.AccessRules;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Access control through the real HTTP path: keys, model allow-lists, request/token/concurrency limits under
 * concurrency, budgets across a period rollover, a second replica sharing the Redis counters, Redis outages in
 * both modes, the admin endpoints, and that no secret leaks into logs, metrics, admin output or errors.
 */
@QuarkusTest
@QuarkusTestResource(value = AccessTestResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessControlTest {

    private static final String CHAT = "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    /** Everything the gateway said during the tests, to search for leaked secrets at the end. */
    private static final List<String> SEEN = new CopyOnWriteArrayList<>();
    private static final Handler LOG_CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            SEEN.add(record.getLoggerName() + " " + record.getMessage() + " " + java.util.Arrays.toString(record.getParameters())
                    + (record.getThrown() == null ? "" : " " + record.getThrown()));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @TestHTTPResource("/")
    URL root;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @BeforeAll
    static void captureLogs() {
        Logger.getLogger("").addHandler(LOG_CAPTURE);
    }

    @AfterAll
    static void stopCapturing() {
        Logger.getLogger("").removeHandler(LOG_CAPTURE);
    }

    @AfterEach
    void realTime() {
        TestClock.reset();
    }

    private URI uri(String path) {
        return URI.create(root.toString()).resolve(path);
    }

    /** Health, metrics, /q/switchboard/* and /admin/v1/* are served on the management port. */
    private URI managementUri(String path) {
        return URI.create(management.toString()).resolve(path);
    }

    private HttpResponse<String> chat(String client, String model, String... extraHeaders) {
        List<String> headers = new ArrayList<>(List.of("authorization", "Bearer " + KEYS.get(client)));
        headers.addAll(List.of(extraHeaders));
        return seen(Http.post(uri("/v1/chat/completions"), CHAT.formatted(model), headers.toArray(String[]::new)));
    }

    private static HttpResponse<String> seen(HttpResponse<String> response) {
        SEEN.add(response.headers().map() + " " + response.body());
        return response;
    }

    private HttpResponse<String> admin(String path, String... headers) {
        return seen(Http.send("GET", managementUri(path), null, headers));
    }

    /** Sends n requests at once (released together) and returns the responses. */
    private static List<HttpResponse<String>> parallel(int n, Callable<HttpResponse<String>> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return request.call();
                }));
            }
            start.countDown();
            List<HttpResponse<String>> responses = new ArrayList<>();
            for (Future<HttpResponse<String>> future : futures) {
                responses.add(future.get(60, TimeUnit.SECONDS));
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }

    private static long count(List<HttpResponse<String>> responses, int status) {
        return responses.stream().filter(r -> r.statusCode() == status).count();
    }

    /** Waits for a condition the gateway reaches asynchronously (a settlement, a PING, a reload). */
    private static <T> T eventually(Supplier<T> probe, Predicate<T> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        T value = probe.get();
        while (!done.test(value) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            value = probe.get();
        }
        assertThat(done.test(value)).as("condition reached; last value: %s", value).isTrue();
        return value;
    }

    private JsonObject usageOf(String client) {
        JsonObject usage = new JsonObject(admin("/admin/v1/usage", "authorization", "Bearer " + AccessTestResource.ADMIN_KEY).body());
        return usage.getJsonArray("clients").stream().map(JsonObject.class::cast)
                .filter(c -> client.equals(c.getString("name"))).findFirst().orElseThrow();
    }

    private double spent(String client, String period) {
        return usageOf(client).getJsonObject("budget").getJsonObject(period).getDouble("spent");
    }

    private String metrics() {
        return seen(Http.get(managementUri("/q/metrics"))).body();
    }

    @Test
    void missingOrWrongKeysGet401InTheOpenAiEnvelope() {
        HttpResponse<String> none = seen(Http.post(uri("/v1/chat/completions"), CHAT.formatted("gpt-4o")));
        HttpResponse<String> wrongBearer = seen(Http.post(uri("/v1/chat/completions"), CHAT.formatted("gpt-4o"),
                "authorization", "Bearer " + KEYS.get("all") + "x"));
        HttpResponse<String> wrongApiKey = seen(Http.post(uri("/v1/chat/completions"), CHAT.formatted("gpt-4o"), "x-api-key", "sk-nope"));
        HttpResponse<String> models = seen(Http.send("GET", uri("/v1/models"), null, "x-api-key", "sk-nope"));

        for (HttpResponse<String> response : List.of(none, wrongBearer, wrongApiKey, models)) {
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(Http.error(response).getString("code")).isEqualTo("invalid_api_key");
            assertThat(Http.error(response).getString("type")).isEqualTo("invalid_request_error");
        }
    }

    @Test
    void anthropicStyleXApiKeyIsAccepted() {
        HttpResponse<String> response = seen(Http.post(uri("/v1/chat/completions"), CHAT.formatted("gpt-4o"), "x-api-key", KEYS.get("all")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(response.body()).getString("model")).isEqualTo("gpt-4o");
    }

    @Test
    void modelsOutsideTheClientsGlobsAreForbiddenAndNotListed() {
        HttpResponse<String> forbidden = chat("search", "claude");
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(Http.error(forbidden).getString("code")).isEqualTo("model_not_allowed");
        assertThat(chat("search", "gpt-4o-latest").statusCode()).isEqualTo(200);

        HttpResponse<String> models = seen(Http.send("GET", uri("/v1/models"), null, "authorization", "Bearer " + KEYS.get("search")));
        List<String> ids = new JsonObject(models.body()).getJsonArray("data").stream().map(m -> ((JsonObject) m).getString("id")).toList();
        assertThat(ids).containsExactlyInAnyOrder("gpt-4o", "gpt-4o-latest");
    }

    @Test
    void theRequestLimitHoldsUnderConcurrency() throws Exception {
        List<HttpResponse<String>> responses = parallel(50, () -> chat("rpm", "gpt-4o"));

        // 10 per minute; at most one more may refill while the burst is served.
        assertThat(count(responses, 200)).isBetween(10L, 11L);
        assertThat(count(responses, 429)).isEqualTo(50 - count(responses, 200));
        HttpResponse<String> limited = responses.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
        assertThat(Http.error(limited).getString("type")).isEqualTo("requests");
        assertThat(Http.error(limited).getString("code")).isEqualTo("rate_limit_exceeded");
        assertThat(Integer.parseInt(limited.headers().firstValue("retry-after").orElseThrow())).isBetween(1, 6);
        assertThat(limited.headers().firstValue("x-ratelimit-limit-requests")).hasValue("10");
        assertThat(limited.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
        HttpResponse<String> ok = responses.stream().filter(r -> r.statusCode() == 200).findFirst().orElseThrow();
        assertThat(ok.headers().firstValue("x-ratelimit-limit-requests")).hasValue("10");
        assertThat(ok.headers().firstValue("x-ratelimit-reset-requests")).isPresent();
        assertThat(metrics()).contains("switchboard_rate_limited_total{client=\"rpm\",limit=\"requests\"}");
    }

    @Test
    void tokensAreReservedUpFrontAndSettledWithTheRealUsage() throws Exception {
        String body = "{\"model\":\"slow\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        Callable<HttpResponse<String>> request = () -> seen(Http.post(uri("/v1/chat/completions"), body, "authorization", "Bearer " + KEYS.get("tpm")));

        // Each request reserves its prompt estimate plus max_tokens (about 118 tokens) of the 300 per minute.
        List<HttpResponse<String>> burst = parallel(50, request);

        assertThat(count(burst, 200)).isBetween(2L, 3L);
        HttpResponse<String> limited = burst.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
        assertThat(Http.error(limited).getString("type")).isEqualTo("tokens");
        assertThat(limited.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("300");
        // They used 12 tokens each: settling returns the rest, so the next request fits at once (without
        // settlement the bucket would hold about 70 tokens for another 10 seconds).
        eventually(() -> usageOf("tpm").getJsonObject("limits").getJsonObject("tokensPerMinute").getLong("remaining"), r -> r >= 118);
        assertThat(request.call().statusCode()).isEqualTo(200);
    }

    @Test
    void theConcurrencyLimitHoldsAndSlotsComeBack() throws Exception {
        List<HttpResponse<String>> burst = parallel(20, () -> chat("conc", "slow"));

        // The slow model answers after a second, so the first three hold their slots while the rest arrive.
        assertThat(count(burst, 200)).isBetween(3L, 4L);
        HttpResponse<String> limited = burst.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
        assertThat(Http.error(limited).getString("message")).contains("3 requests in flight");
        eventually(() -> usageOf("conc").getJsonObject("limits").getJsonObject("maxConcurrency").getLong("inFlight"), n -> n == 0);
        assertThat(chat("conc", "gpt-4o").statusCode()).isEqualTo(200);
    }

    @Test
    void aSpentDailyBudgetBlocksAndRecoversAtMidnightUtc() throws Exception {
        TestClock.set(Instant.parse("2030-03-10T12:00:00Z"));
        assertThat(chat("budget", "gpt-4o").statusCode()).isEqualTo(200);
        eventually(() -> spent("budget", "day"), s -> s >= 0.012);
        // 0.012 of 0.02 is past warnAt (0.5): the next answer warns.
        HttpResponse<String> warned = chat("budget", "gpt-4o");
        assertThat(warned.statusCode()).isEqualTo(200);
        assertThat(warned.headers().firstValue("x-switchboard-budget-warning")).hasValue("day 60% used");
        eventually(() -> spent("budget", "day"), s -> s >= 0.024);

        HttpResponse<String> blocked = chat("budget", "gpt-4o");
        assertThat(blocked.statusCode()).isEqualTo(429);
        assertThat(Http.error(blocked).getString("code")).isEqualTo("budget_exceeded");
        assertThat(Http.error(blocked).getString("type")).isEqualTo("insufficient_quota");
        assertThat(Http.error(blocked).getString("message")).contains("daily budget").contains("2030-03-11T00:00:00Z");
        assertThat(blocked.headers().firstValue("retry-after")).hasValue("43200");
        assertThat(metrics()).contains("switchboard_budget_used_ratio{client=\"budget\",period=\"day\",team=\"team-budget\"} 1.2")
                .contains("switchboard_rate_limited_total{client=\"budget\",limit=\"budget_day\"}")
                .containsPattern("switchboard_cost_total\\{client=\"budget\",model=\"gpt-4o\",provider=\"sim-openai\",team=\"team-budget\"} 0\\.0[2-9]");

        TestClock.set(Instant.parse("2030-03-11T00:00:01Z"));
        assertThat(chat("budget", "gpt-4o").statusCode()).isEqualTo(200);
        JsonObject usage = usageOf("budget").getJsonObject("budget");
        assertThat(usage.getJsonObject("month").getDouble("spent")).isGreaterThanOrEqualTo(0.024);
    }

    @Test
    void aSpentMonthlyBudgetBlocksUntilTheNextMonth() throws Exception {
        TestClock.set(Instant.parse("2030-04-29T12:00:00Z"));
        assertThat(chat("monthly", "gpt-4o").statusCode()).isEqualTo(200);
        eventually(() -> spent("monthly", "month"), s -> s >= 0.012);
        assertThat(chat("monthly", "gpt-4o").statusCode()).isEqualTo(200);
        eventually(() -> spent("monthly", "month"), s -> s >= 0.024);

        assertThat(Http.error(chat("monthly", "gpt-4o")).getString("code")).isEqualTo("budget_exceeded");
        TestClock.set(Instant.parse("2030-04-30T23:00:00Z"));
        HttpResponse<String> stillBlocked = chat("monthly", "gpt-4o");
        assertThat(stillBlocked.statusCode()).isEqualTo(429);
        assertThat(Http.error(stillBlocked).getString("message")).contains("monthly budget").contains("2030-05-01T00:00:00Z");
        TestClock.set(Instant.parse("2030-05-01T00:00:01Z"));
        assertThat(chat("monthly", "gpt-4o").statusCode()).isEqualTo(200);
    }

    /**
     * A second replica is a second, independent set of Redis counters with the same prefix, as another gateway
     * pod would have: whatever it admitted counts against the limit this gateway enforces.
     */
    @Test
    void aSecondReplicaSharingRedisDrawsFromTheSameLimit() throws Exception {
        Vertx vertx = Vertx.vertx();
        RedisCounters otherReplica = new RedisCounters(vertx, "redis://" + AccessTestResource.redis().endpoint() + "/0",
                AccessTestResource.REDIS_PASSWORD, null, AccessTestResource.KEY_PREFIX, 2000);
        try {
            Quota shared = new Quota("c:shared", 12, 0, 0, 0, 0, "-", "-");
            for (int i = 0; i < 5; i++) {
                assertThat(otherReplica.acquire(shared, 1, "other-" + i).toCompletionStage().toCompletableFuture().get().admitted()).isTrue();
            }

            List<HttpResponse<String>> responses = parallel(20, () -> chat("shared", "gpt-4o"));

            assertThat(count(responses, 200)).isBetween(7L, 8L);
            assertThat(otherReplica.acquire(shared, 1, "other-late").toCompletionStage().toCompletableFuture().get().admitted()).isFalse();
        } finally {
            otherReplica.close();
            vertx.close();
        }
    }

    @Test
    void providerLimitsProtectTheUpstreamAccount() {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            statuses.add(chat("all", "provider-limited").statusCode());
        }

        assertThat(statuses).containsExactly(200, 200, 200, 429, 429, 429);
        HttpResponse<String> limited = chat("all", "provider-limited");
        assertThat(Http.error(limited).getString("message")).contains("sim-limited");
        assertThat(limited.headers().firstValue("retry-after")).isPresent();
        assertThat(metrics()).contains("switchboard_provider_rate_limited_total{limit=\"requests\",provider=\"sim-limited\"}");
    }

    @Test
    void aProviderAtItsLimitIsSkippedForTheNextTarget() {
        List<HttpResponse<String>> responses = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            responses.add(chat("all", "limited-then-open"));
        }

        assertThat(responses).extracting(HttpResponse::statusCode).containsExactly(200, 200, 200);
        assertThat(responses).extracting(r -> r.headers().firstValue("x-switchboard-provider").orElse(null))
                .containsExactly("sim-one-per-minute", "sim-openai", "sim-openai");
        assertThat(responses.get(2).headers().firstValue("x-switchboard-attempts")).as("the limited provider is not called").hasValue("1");
        assertThat(metrics()).contains("switchboard_provider_rate_limited_total{limit=\"requests\",provider=\"sim-one-per-minute\"}");
    }

    @Test
    void adminEndpointsNeedTheAdminKeyAndShowTableAndUsage() {
        for (String[] headers : List.of(new String[0], new String[] { "authorization", "Bearer wrong" },
                new String[] { "authorization", "Bearer " + KEYS.get("all") })) {
            HttpResponse<String> refused = admin("/admin/v1/usage", headers);
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(Http.error(refused).getString("code")).isEqualTo("invalid_admin_key");
        }
        assertThat(chat("budget", "gpt-4o").statusCode()).isIn(200, 429);

        HttpResponse<String> table = admin("/admin/v1/table", "x-api-key", AccessTestResource.ADMIN_KEY);
        assertThat(table.statusCode()).isEqualTo(200);
        JsonObject access = new JsonObject(table.body()).getJsonObject("table").getJsonObject("access");
        assertThat(access.getJsonArray("clients")).hasSize(KEYS.size());
        assertThat(access.getJsonObject("redis").getString("url")).startsWith("redis://127.0.0.1:");

        JsonObject usage = new JsonObject(admin("/admin/v1/usage", "authorization", "Bearer " + AccessTestResource.ADMIN_KEY).body());
        assertThat(usage.getString("store")).isEqualTo("redis");
        JsonObject budget = usageOf("budget").getJsonObject("budget").getJsonObject("day");
        assertThat(budget.getDouble("limit")).isEqualTo(0.02);
        assertThat(budget.getDouble("remaining")).isEqualTo(Math.max(0, 0.02 - budget.getDouble("spent")), org.assertj.core.data.Offset.offset(1e-9));
        JsonArray clients = usage.getJsonArray("clients");
        assertThat(clients.stream().map(c -> ((JsonObject) c).getString("name"))).contains("all", "rpm", "budget");
        assertThat(usageOf("all").getBoolean("limited")).isFalse();
    }

    @Test
    void messagesAreAdmittedByTheSameLimitsInAnthropicsEnvelope() {
        String body = "{\"model\":\"gpt-4o\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        List<HttpResponse<String>> responses = new ArrayList<>();
        // 2 requests per minute: four in a row cannot all pass.
        for (int i = 0; i < 4; i++) {
            responses.add(seen(Http.post(uri("/v1/messages"), body, "x-api-key", KEYS.get("messages"))));
        }

        assertThat(responses).allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isIn(200, 429));
        assertThat(new JsonObject(responses.get(0).body()).getString("type")).isEqualTo("message");
        HttpResponse<String> limited = responses.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
        JsonObject error = new JsonObject(limited.body());
        assertThat(error.getString("type")).isEqualTo("error");
        assertThat(error.getJsonObject("error").getString("type")).isEqualTo("rate_limit_error");
        assertThat(limited.headers().firstValue("retry-after")).isPresent();
        assertThat(limited.headers().firstValue("x-ratelimit-limit-requests")).hasValue("2");
        HttpResponse<String> outside = seen(Http.post(uri("/v1/messages"), body.replace("gpt-4o", "claude"), "x-api-key", KEYS.get("search")));
        assertThat(outside.statusCode()).isEqualTo(403);
        assertThat(new JsonObject(outside.body()).getJsonObject("error").getString("type")).isEqualTo("permission_error");
    }

    @Test
    @Order(Order.DEFAULT + 1)
    void redisDownFollowsTheConfiguredModeWithMetricAndReadiness() throws Exception {
        String failOpenHash = configHash();
        try {
            AccessTestResource.redis().stop();
            eventually(this::metrics, m -> m.contains("switchboard_redis_up 0.0"));

            // FailOpen: served with this replica's counters, still ready.
            assertThat(chat("guarded", "gpt-4o").statusCode()).isEqualTo(200);
            assertThat(readiness().statusCode()).isEqualTo(200);
            assertThat(counterCheck().getString("status")).isEqualTo("UP");
            assertThat(counterCheck().getJsonObject("data").getString("reason")).isEqualTo("Redis does not answer");

            String hash = configHash();
            AccessTestResource.writeTable(AccessRules.FAIL_CLOSED);
            eventually(this::configHash, h -> !h.equals(hash));

            HttpResponse<String> closed = chat("guarded", "gpt-4o");
            assertThat(closed.statusCode()).isEqualTo(503);
            assertThat(Http.error(closed).getString("code")).isEqualTo("rate_limit_store_unavailable");
            // A client without limits needs no counters.
            assertThat(chat("all", "gpt-4o").statusCode()).isEqualTo(200);
            assertThat(readiness().statusCode()).isEqualTo(503);
            assertThat(counterCheck().getString("status")).isEqualTo("DOWN");

            AccessTestResource.redis().start();
            eventually(this::metrics, m -> m.contains("switchboard_redis_up 1.0"));
            assertThat(chat("guarded", "gpt-4o").statusCode()).isEqualTo(200);
            assertThat(readiness().statusCode()).isEqualTo(200);
        } finally {
            AccessTestResource.redis().start();
            AccessTestResource.writeTable(AccessRules.FAIL_OPEN);
            eventually(this::configHash, failOpenHash::equals);
        }
    }

    private HttpResponse<String> readiness() {
        return seen(Http.get(managementUri("/q/health/ready")));
    }

    private JsonObject counterCheck() {
        return new JsonObject(readiness().body()).getJsonArray("checks").stream().map(JsonObject.class::cast)
                .filter(c -> c.getString("name").equals("rate-limit-counters")).findFirst().orElseThrow();
    }

    private String configHash() {
        return new JsonObject(Http.get(managementUri("/q/switchboard/config")).body()).getString("hash");
    }

    @Test
    @Order(Order.DEFAULT + 2)
    void noSecretAppearsInLogsMetricsAdminOutputOrErrors() {
        chat("all", "gpt-4o");
        admin("/admin/v1/table", "authorization", "Bearer " + AccessTestResource.ADMIN_KEY);
        admin("/admin/v1/usage", "authorization", "Bearer " + AccessTestResource.ADMIN_KEY);
        metrics();
        readiness();

        assertThat(SEEN).isNotEmpty();
        List<String> secrets = new ArrayList<>(KEYS.values());
        secrets.add(AccessTestResource.ADMIN_KEY);
        secrets.add(AccessTestResource.REDIS_PASSWORD);
        for (String text : SEEN) {
            for (String secret : secrets) {
                assertThat(text).doesNotContain(secret);
            }
        }
    }
}
