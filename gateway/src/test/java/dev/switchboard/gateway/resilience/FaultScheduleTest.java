package dev.switchboard.gateway.resilience;

import static dev.switchboard.gateway.testing.FaultScheduleTestResource.ADMIN_KEY;
import static dev.switchboard.gateway.testing.FaultScheduleTestResource.BACKUP_UPSTREAM;
import static dev.switchboard.gateway.testing.FaultScheduleTestResource.CLIENT_KEYS;
import static dev.switchboard.gateway.testing.FaultScheduleTestResource.DEADLINE_MS;
import static dev.switchboard.gateway.testing.FaultScheduleTestResource.MODELS;
import static dev.switchboard.gateway.testing.FaultScheduleTestResource.OPEN;
import static dev.switchboard.gateway.testing.FaultScheduleTestResource.RESTRICTED;
import static dev.switchboard.gateway.testing.FaultScheduleTestResource.RESTRICTED_MODELS;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.switchboard.gateway.testing.FaultLoad;
import dev.switchboard.gateway.testing.FaultLoad.Call;
import dev.switchboard.gateway.testing.FaultLoad.Planned;
import dev.switchboard.gateway.testing.FaultSchedule;
import dev.switchboard.gateway.testing.FaultSchedule.Fault;
import dev.switchboard.gateway.testing.FaultScheduleTestResource;
import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.PrometheusText;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The resilience promises under a random, seeded fault schedule: many concurrent requests through the real HTTP path
 * (chat completions and Messages, streamed and not, two clients, four models with fallbacks, several keys per
 * provider) against loopback simulators that each act out their own schedule of faults (429 with and without
 * Retry-After, 500, 503, 529, resets, stalls before the first byte and mid-stream, truncation, malformed JSON, an
 * error event first, slow drips), with two table reloads and client disconnects mixed in. After each seed's run:
 * <ul>
 * <li>every request ended within the deadline plus {@value #SLACK_MS} ms, with a whole answer or a typed error in
 * its API's envelope;</li>
 * <li>nothing leaked: upstream requests, calls waiting for a connection, in-flight counts per target, half-open
 * probes and the clients' concurrency slots are back to zero;</li>
 * <li>the tokens and cost the gateway metered (its metrics, the clients' budgets) are the sums of the access-log
 * lines, and no stream a client left after content reached it was charged nothing;</li>
 * <li>no request of the restricted client reached a model outside its allow-list, fallbacks included.</li>
 * </ul>
 * The seeds in {@link #CI_SEEDS} run every time, plus one random seed that is printed. A failure names its seed:
 * {@code -Dswitchboard.faults.seed=<seed>} runs that one alone. {@code -Dswitchboard.faults.seeds=N} runs N random
 * seeds instead of the CI ones, {@code -Dswitchboard.faults.requests}, {@code -Dswitchboard.faults.concurrency} and
 * {@code -Dswitchboard.faults.rate} (requests started per second) size each run (the soak mode of bench/faults.sh).
 */
@QuarkusTest
@QuarkusTestResource(value = FaultScheduleTestResource.class, restrictToAnnotatedClass = true)
class FaultScheduleTest {

    static final String SEED_PROPERTY = "switchboard.faults.seed";
    static final String SEEDS_PROPERTY = "switchboard.faults.seeds";
    static final String REQUESTS_PROPERTY = "switchboard.faults.requests";
    static final String CONCURRENCY_PROPERTY = "switchboard.faults.concurrency";
    static final String RATE_PROPERTY = "switchboard.faults.rate";
    /** One seed per strategy of fs-chat (seed modulo the six strategies, see FaultScheduleTestResource#strategy). */
    static final List<Long> CI_SEEDS = List.of(1L, 2L, 3L, 4L, 5L, 6L);
    /** Liveness, not speed: how far past the policy deadline a request may end on a busy two-core machine. */
    static final long SLACK_MS = 5_000;
    /** How long books may take to close and counts to come back to zero after the last request ended. */
    static final long SETTLE_MS = 20_000;

    /** What the OpenAI simulators act out, by weight: about half the calls go wrong. */
    static final List<Fault> OPENAI_FAULTS = List.of(
            new Fault("normal", 55), new Fault("rate-limited-after-1", 3), new Fault("rate-limited-bare", 3), new Fault("fail-500", 4),
            new Fault("fail-503", 3), new Fault("unavailable-after-1", 2), new Fault("reset", 4), new Fault("stall", 2),
            new Fault("stall-stream", 2), new Fault("truncated-stream", 3), new Fault("break-stream", 2), new Fault("malformed-json", 3),
            new Fault("malformed-delta", 2), new Fault("keepalive-then-error", 3), new Fault("empty-stream", 2), new Fault("drip-600", 5),
            new Fault("slow-300", 3));
    /** What the Anthropic simulator acts out, by weight. */
    static final List<Fault> ANTHROPIC_FAULTS = List.of(
            new Fault("normal", 55), new Fault("rate-limited-after-1", 3), new Fault("rate-limited-bare", 3), new Fault("fail-500", 3),
            new Fault("fail-503", 2), new Fault("overloaded", 4), new Fault("reset", 4), new Fault("stall", 2),
            new Fault("stall-stream", 2), new Fault("truncated-stream", 3), new Fault("break-stream", 2),
            new Fault("malformed-content", 3), new Fault("overloaded-stream", 3), new Fault("overloaded-after-start", 2),
            new Fault("stream-error", 2), new Fault("drip-600", 5), new Fault("slow-300", 3));

    private static final Map<String, JsonObject> ACCESS_LINES = new ConcurrentHashMap<>();
    private static final Handler ACCESS_CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            JsonObject line = new JsonObject(record.getMessage());
            ACCESS_LINES.put(line.getString("requestId"), line);
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
    static void captureAccessLog() {
        Logger.getLogger("switchboard.access").addHandler(ACCESS_CAPTURE);
    }

    @AfterAll
    static void stopCapturing() {
        Logger.getLogger("switchboard.access").removeHandler(ACCESS_CAPTURE);
    }

    /** The CI seeds and one random one; or the one seed asked for; or, for a soak, that many random ones. */
    static Stream<Long> seeds() {
        String replay = System.getProperty(SEED_PROPERTY);
        if (replay != null && !replay.isBlank()) {
            return Stream.of(Long.parseLong(replay.strip()));
        }
        String soak = System.getProperty(SEEDS_PROPERTY);
        List<Long> seeds = new ArrayList<>(soak == null ? CI_SEEDS : List.of());
        int random = soak == null ? 1 : Integer.parseInt(soak.strip());
        for (int i = 0; i < random; i++) {
            long seed = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
            System.out.printf("fault schedule: random seed %d (replay with -D%s=%d)%n", seed, SEED_PROPERTY, seed);
            seeds.add(seed);
        }
        return seeds.stream();
    }

    private static boolean warm;

    /**
     * Every path once without faults before the first seed: a cold JVM loads and compiles the request path on its event
     * loops, which can hold a deadline timer back by most of a second, and the liveness bound is about hangs, not that.
     */
    private void warmUp() throws Exception {
        awaitServed(0, 0);
        List<Planned> plans = new ArrayList<>();
        for (int n = 0; n < 48; n++) {
            Planned planned = plan(0, n);
            plans.add(new Planned(n, "fs-warm-" + n, planned.messages(), planned.model(), OPEN, CLIENT_KEYS.get(OPEN), planned.stream(),
                    planned.includeUsage(), FaultLoad.Leave.STAYS, 0));
        }
        try (FaultLoad load = new FaultLoad(root.getPort(), DEADLINE_MS + SLACK_MS + 10_000)) {
            load.run(plans, 8, 200, n -> {
            });
        }
        warm = true;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void promisesHoldUnderTheSeedsFaultSchedule(long seed) throws Exception {
        if (!warm) {
            warmUp();
        }
        int requests = Integer.getInteger(REQUESTS_PROPERTY, 160);
        int concurrency = Integer.getInteger(CONCURRENCY_PROPERTY, 32);
        int perSecond = Integer.getInteger(RATE_PROPERTY, 80);
        List<String> violations = new ArrayList<>();
        String replay = "seed " + seed + " (replay: -D" + SEED_PROPERTY + "=" + seed + ")";

        FaultScheduleTestResource.writeTable(seed, 0);
        awaitServed(seed, 0);
        FaultSchedule openAi1 = new FaultSchedule(seed, "openai-1", OPENAI_FAULTS);
        FaultSchedule openAi2 = new FaultSchedule(seed, "openai-2", OPENAI_FAULTS);
        FaultSchedule anthropic = new FaultSchedule(seed, "anthropic", ANTHROPIC_FAULTS);
        FaultScheduleTestResource.openAi1().follow(openAi1);
        FaultScheduleTestResource.openAi2().follow(openAi2);
        FaultScheduleTestResource.anthropic().follow(anthropic);
        Before before = before();
        List<Call> calls;
        long started = System.nanoTime();
        try (FaultLoad load = new FaultLoad(root.getPort(), DEADLINE_MS + SLACK_MS + 10_000)) {
            List<Planned> plans = new ArrayList<>();
            for (int n = 0; n < requests; n++) {
                plans.add(plan(seed, n));
            }
            // The reloads land while requests are in flight: after a third and after two thirds were started.
            calls = load.run(plans, concurrency, perSecond, startedCount -> {
                if (startedCount == requests / 3 || startedCount == 2 * requests / 3) {
                    try {
                        FaultScheduleTestResource.writeTable(seed, startedCount == requests / 3 ? 1 : 2);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
        } finally {
            FaultScheduleTestResource.openAi1().follow(null);
            FaultScheduleTestResource.openAi2().follow(null);
            FaultScheduleTestResource.anthropic().follow(null);
        }
        long runMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        for (Call call : calls) {
            String problem = call.problem(DEADLINE_MS + SLACK_MS);
            if (problem != null) {
                violations.add(call.plan.describe() + ": " + problem);
            }
        }
        checkNothingLeaked(seed, violations);
        Map<String, JsonObject> lines = accessLines(calls, violations);
        checkMetering(before, calls, lines, violations);
        checkAllowLists(calls, lines, List.of(openAi1, openAi2, anthropic), violations);
        checkTheRunMeantSomething(seed, calls, lines, violations);

        Summary summary = Summary.of(calls, lines, openAi1.calls() + openAi2.calls() + anthropic.calls());
        System.out.printf("fault schedule: seed %d: %s, %d ms%n", seed, summary, runMs);
        assertThat(violations).as("%s broke %d promise(s):%n%s", replay, violations.size(), String.join("\n", violations)).isEmpty();
    }

    /** One request of a seed's run, drawn from the seed and its number alone. */
    static Planned plan(long seed, int n) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + n);
        boolean messages = random.nextInt(100) < 40;
        String client = random.nextInt(100) < 60 ? OPEN : RESTRICTED;
        int pick = random.nextInt(100);
        String model;
        if (messages) {
            model = pick < 40 ? "fs-claude" : pick < 70 ? "fs-mixed" : pick < 95 ? "fs-chat" : "fs-backup";
        } else {
            model = pick < 40 ? "fs-chat" : pick < 60 ? "fs-claude" : pick < 80 ? "fs-mixed" : "fs-backup";
        }
        boolean stream = random.nextBoolean();
        boolean includeUsage = stream && !messages && random.nextBoolean();
        int leave = random.nextInt(100);
        FaultLoad.Leave how = !stream || leave >= 20 ? (leave < 8 ? FaultLoad.Leave.AFTER_TIME : FaultLoad.Leave.STAYS)
                : leave < 12 ? FaultLoad.Leave.AFTER_CONTENT : FaultLoad.Leave.AFTER_TIME;
        long leaveAfterMs = 50 + random.nextInt(2_500);
        String id = "fs-" + Long.toHexString(seed) + "-" + n;
        return new Planned(n, id, messages, model, client, CLIENT_KEYS.get(client), stream, includeUsage, how, leaveAfterMs);
    }

    // Invariants

    private void checkNothingLeaked(long seed, List<String> violations) {
        String seedProviders = "-" + Long.toHexString(seed);
        Map<String, BooleanSupplier> counts = Map.of(
                "upstream requests still open at the simulators", () -> FaultScheduleTestResource.openAi1().openRequests() == 0
                        && FaultScheduleTestResource.openAi2().openRequests() == 0 && FaultScheduleTestResource.anthropic().openRequests() == 0,
                "upstream calls waiting for a connection (switchboard_upstream_pool_waiting)",
                () -> metrics().sum("switchboard_upstream_pool_waiting", Map.of()) == 0,
                "calls in flight or half-open probes held on a target (/q/switchboard/targets)", () -> targets(seedProviders).stream()
                        .allMatch(t -> t.getInteger("inFlight") == 0 && t.getInteger("probesInFlight") == 0),
                "concurrency slots held by a client (/admin/v1/usage)", () -> inFlight(OPEN) == 0 && inFlight(RESTRICTED) == 0);
        counts.forEach((what, zero) -> {
            if (!eventually(zero)) {
                String detail = what.startsWith("calls in flight") ? " " + targets(seedProviders)
                        : what.startsWith("upstream requests") ? " openai-1 " + FaultScheduleTestResource.openAi1().openRequests() + ", openai-2 "
                                + FaultScheduleTestResource.openAi2().openRequests() + ", anthropic " + FaultScheduleTestResource.anthropic().openRequests()
                        : what.startsWith("concurrency") ? " " + OPEN + " " + inFlight(OPEN) + ", " + RESTRICTED + " " + inFlight(RESTRICTED) : "";
                violations.add("leak: " + what + " not back to zero within " + SETTLE_MS + " ms:" + detail);
            }
        });
    }

    /** Every request's access-log line (its books closed); a request without one is a violation. */
    private Map<String, JsonObject> accessLines(List<Call> calls, List<String> violations) {
        eventually(() -> calls.stream().allMatch(c -> ACCESS_LINES.containsKey(c.plan.id())));
        Map<String, JsonObject> lines = new ConcurrentHashMap<>();
        for (Call call : calls) {
            JsonObject line = ACCESS_LINES.get(call.plan.id());
            if (line == null) {
                violations.add(call.plan.describe() + ": no access-log line within " + SETTLE_MS + " ms (its books never closed)");
            } else {
                lines.put(call.plan.id(), line);
            }
        }
        return lines;
    }

    private void checkMetering(Before before, List<Call> calls, Map<String, JsonObject> lines, List<String> violations) {
        PrometheusText after = metrics();
        long input = 0;
        long output = 0;
        Map<String, Double> cost = new java.util.HashMap<>(Map.of(OPEN, 0.0, RESTRICTED, 0.0));
        for (Call call : calls) {
            JsonObject line = lines.get(call.plan.id());
            if (line == null) {
                continue;
            }
            input += line.getInteger("promptTokens", 0);
            output += line.getInteger("completionTokens", 0);
            cost.merge(call.plan.client(), line.getDouble("cost", 0.0), Double::sum);
            if (call.left && call.contentSeen && (line.getInteger("completionTokens", 0) <= 0 || line.getDouble("cost", 0.0) <= 0)) {
                violations.add(call.plan.describe() + ": left after content reached it, but was charged nothing: " + line.encode());
            }
        }
        long meteredInput = Math.round(tokens(after, "input") - before.input);
        long meteredOutput = Math.round(tokens(after, "output") - before.output);
        if (meteredInput != input || meteredOutput != output) {
            violations.add("metering: switchboard_tokens_total grew by " + meteredInput + " input and " + meteredOutput
                    + " output tokens, the access-log lines add up to " + input + " and " + output);
        }
        for (String client : List.of(OPEN, RESTRICTED)) {
            double metric = after.sum("switchboard_cost_total", Map.of("client", client)) - before.cost.get(client);
            double spent = spentToday(client) - before.spent.get(client);
            double logged = cost.get(client);
            if (!close(metric, logged) || !close(spent, logged)) {
                violations.add("metering: client " + client + " logged a cost of " + logged + ", switchboard_cost_total grew by " + metric
                        + ", its day budget by " + spent);
            }
        }
    }

    private static boolean close(double a, double b) {
        return Math.abs(a - b) <= 1e-9 + 1e-9 * Math.max(Math.abs(a), Math.abs(b));
    }

    private static void checkAllowLists(List<Call> calls, Map<String, JsonObject> lines, List<FaultSchedule> schedules,
            List<String> violations) {
        for (Call call : calls) {
            if (!RESTRICTED.equals(call.plan.client())) {
                continue;
            }
            for (FaultSchedule schedule : schedules) {
                if (schedule.reached(call.plan.id()).contains(BACKUP_UPSTREAM)) {
                    violations.add(call.plan.describe() + ": reached " + BACKUP_UPSTREAM + ", which only fs-backup serves, outside the client's models");
                }
            }
            String fallback = call.header("x-switchboard-fallback");
            if (fallback != null && !RESTRICTED_MODELS.contains(fallback)) {
                violations.add(call.plan.describe() + ": served by fallback " + fallback + ", outside the client's models");
            }
            JsonObject line = lines.get(call.plan.id());
            if (line == null || line.getString("provider") == null) {
                continue;
            }
            String served = line.getString("fallback", line.getString("model"));
            if (!RESTRICTED_MODELS.contains(served)) {
                violations.add(call.plan.describe() + ": the access log has it served by " + served + ": " + line.encode());
            }
            if (!"fs-mixed".equals(call.plan.model()) && !String.valueOf(line.getString("fallbacksSkipped")).contains("fs-backup=not-allowed")) {
                violations.add(call.plan.describe() + ": fs-backup is not named as a skipped fallback: " + line.encode());
            }
        }
    }

    /** A run where nothing was answered, or no fault was met, or the reloads never came, proves nothing. */
    private void checkTheRunMeantSomething(long seed, List<Call> calls, Map<String, JsonObject> lines, List<String> violations) {
        for (boolean messages : new boolean[] { false, true }) {
            for (boolean stream : new boolean[] { false, true }) {
                boolean answered = calls.stream().anyMatch(c -> c.plan.messages() == messages && c.plan.stream() == stream && c.whole);
                if (!answered) {
                    violations.add("coverage: no whole answer on " + (messages ? "/v1/messages" : "/v1/chat/completions")
                            + (stream ? " streamed" : " not streamed"));
                }
            }
        }
        long whole = calls.stream().filter(c -> c.whole).count();
        if (whole * 6 < calls.size()) {
            violations.add("coverage: only " + whole + " of " + calls.size() + " requests were answered whole");
        }
        if (calls.stream().map(c -> lines.get(c.plan.id())).noneMatch(l -> l != null && l.getInteger("attempts", 0) > 1)) {
            violations.add("coverage: no request took more than one attempt: no failover happened");
        }
        if (!eventually(() -> servedTable().contains(FaultScheduleTestResource.tableName(seed, 2)))) {
            violations.add("coverage: the reloaded table (version 2) was never served");
        }
    }

    // What the gateway shows on its management port

    private record Before(double input, double output, Map<String, Double> cost, Map<String, Double> spent) {
    }

    private Before before() {
        PrometheusText metrics = metrics();
        return new Before(tokens(metrics, "input"), tokens(metrics, "output"),
                Map.of(OPEN, metrics.sum("switchboard_cost_total", Map.of("client", OPEN)),
                        RESTRICTED, metrics.sum("switchboard_cost_total", Map.of("client", RESTRICTED))),
                Map.of(OPEN, spentToday(OPEN), RESTRICTED, spentToday(RESTRICTED)));
    }

    private static double tokens(PrometheusText metrics, String direction) {
        double sum = 0;
        for (String model : MODELS) {
            sum += metrics.sum("switchboard_tokens_total", Map.of("direction", direction, "model", model));
        }
        return sum;
    }

    private URI managementUri(String path) {
        return URI.create(management.toString()).resolve(path);
    }

    private PrometheusText metrics() {
        return PrometheusText.parse(Http.get(managementUri("/q/metrics")).body());
    }

    private List<JsonObject> targets(String providerSuffix) {
        JsonArray targets = new JsonObject(Http.get(managementUri("/q/switchboard/targets")).body()).getJsonArray("targets");
        return targets.stream().map(JsonObject.class::cast).filter(t -> t.getString("provider").endsWith(providerSuffix)).toList();
    }

    private JsonObject usage(String client) {
        JsonObject usage = new JsonObject(Http.send("GET", managementUri("/admin/v1/usage"), null, "authorization", "Bearer " + ADMIN_KEY).body());
        return usage.getJsonArray("clients").stream().map(JsonObject.class::cast).filter(c -> client.equals(c.getString("name")))
                .findFirst().orElseThrow();
    }

    private long inFlight(String client) {
        return usage(client).getJsonObject("limits").getJsonObject("maxConcurrency").getLong("inFlight");
    }

    private double spentToday(String client) {
        return usage(client).getJsonObject("budget").getJsonObject("day").getDouble("spent");
    }

    private String servedTable() {
        return Http.send("GET", managementUri("/admin/v1/table"), null, "authorization", "Bearer " + ADMIN_KEY).body();
    }

    private void awaitServed(long seed, int version) {
        assertThat(eventually(() -> servedTable().contains(FaultScheduleTestResource.tableName(seed, version))))
                .as("table %s served", FaultScheduleTestResource.tableName(seed, version)).isTrue();
    }

    private static boolean eventually(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** The one line a seed's run prints: what happened to its requests. */
    private record Summary(int requests, long whole, long typedErrors, long left, long failedOver, long fellBack, long estimated,
            int upstreamCalls, String slowest, String errors) {

        static Summary of(List<Call> calls, Map<String, JsonObject> lines, int upstreamCalls) {
            Call slowest = calls.stream().filter(c -> !c.left).max(java.util.Comparator.comparingLong(Call::durationMs)).orElse(null);
            JsonObject slowestLine = slowest == null ? null : lines.get(slowest.plan.id());
            return new Summary(calls.size(), calls.stream().filter(c -> c.whole).count(),
                    calls.stream().filter(c -> !c.whole && !c.left).count(), calls.stream().filter(c -> c.left).count(),
                    lines.values().stream().filter(l -> l.getInteger("attempts", 0) > 1).count(),
                    lines.values().stream().filter(l -> l.getString("fallback") != null).count(),
                    lines.values().stream().filter(l -> l.getBoolean("usageEstimated", false)).count(), upstreamCalls,
                    slowest == null ? "none" : slowest.durationMs() + " ms (" + slowest.plan.id() + ", "
                            + (slowestLine == null ? "no access-log line" : slowestLine.getDouble("durationMs") + " ms in the gateway") + ")",
                    errors(lines));
        }

        /** The access log's error codes, most frequent first. */
        private static String errors(Map<String, JsonObject> lines) {
            Map<String, Long> counts = lines.values().stream().filter(l -> l.getString("error") != null)
                    .collect(java.util.stream.Collectors.groupingBy(l -> l.getInteger("status") + " " + l.getString("error"),
                            java.util.stream.Collectors.counting()));
            return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .map(e -> e.getKey() + " ×" + e.getValue()).collect(java.util.stream.Collectors.joining(", "));
        }

        @Override
        public String toString() {
            return requests + " requests: " + whole + " whole, " + typedErrors + " typed errors, " + left + " left by the client; "
                    + failedOver + " took more than one attempt, " + fellBack + " reached a fallback, " + estimated
                    + " charged an estimate; " + upstreamCalls + " upstream calls; slowest " + slowest + "; errors: " + errors;
        }
    }
}
