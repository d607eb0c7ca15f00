package dev.switchboard.gateway.access;

import static dev.switchboard.gateway.testing.MeteringTestResource.CACHED_PRICE;
import static dev.switchboard.gateway.testing.MeteringTestResource.INPUT_PRICE;
import static dev.switchboard.gateway.testing.MeteringTestResource.KEYS;
import static dev.switchboard.gateway.testing.MeteringTestResource.OUTPUT_PRICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.offset;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import dev.switchboard.gateway.testing.AnthropicSdkTransport;
import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.MeteringTestResource;
import dev.switchboard.gateway.testing.TestClock;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * What a request is charged and which models may serve it, through the real HTTP path with the official SDKs:
 * streams cut short by the client, the upstream or the clock are charged what they produced (the upstream's usage
 * when it came, an estimate marked as one otherwise) in every client dialect; fallbacks respect the client's
 * allow-list; deprecated models warn and are refused after their sunset; cached input is priced as such; client
 * labels reach the metrics; and a settlement lost to a Redis restart does not lock the client out.
 */
@QuarkusTest
@QuarkusTestResource(value = MeteringTestResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MeteringTest {

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
    private static final AtomicInteger IDS = new AtomicInteger();

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

    private final Map<String, OpenAIClient> openAiClients = new ConcurrentHashMap<>();
    private final Map<String, AnthropicClient> anthropicClients = new ConcurrentHashMap<>();

    @AfterEach
    void closeClients() {
        openAiClients.values().forEach(OpenAIClient::close);
        anthropicClients.values().forEach(AnthropicClient::close);
    }

    private OpenAIClient openAi(String client) {
        return openAiClients.computeIfAbsent(client,
                name -> OpenAIOkHttpClient.builder().baseUrl(uri("/v1").toString()).apiKey(KEYS.get(name)).maxRetries(0).build());
    }

    private AnthropicClient anthropic(String client) {
        return anthropicClients.computeIfAbsent(client, name -> AnthropicSdkTransport.client(root.toString(), KEYS.get(name)));
    }

    private static String requestId(String name) {
        return name + "-" + IDS.incrementAndGet();
    }

    private static ChatCompletionCreateParams chat(String model, String requestId, String text) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage(text).putAdditionalHeader("x-request-id", requestId).build();
    }

    private static MessageCreateParams message(String model, String requestId, String text) {
        return MessageCreateParams.builder().model(model).maxTokens(256).addUserMessage(text)
                .putAdditionalHeader("x-request-id", requestId).build();
    }

    /** The access-log line of a request: written when its books close, which may trail the client. */
    private static JsonObject accessLine(String requestId) throws InterruptedException {
        return eventually(() -> ACCESS_LINES.get(requestId), line -> line != null);
    }

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

    private static double cost(long prompt, long cached, long completion) {
        return ((prompt - cached) * INPUT_PRICE + cached * CACHED_PRICE + completion * OUTPUT_PRICE) / 1_000_000;
    }

    /** The line of a request charged an estimate: what it says was produced, and a cost that follows from it. */
    private static void assertEstimated(JsonObject line, int minCompletionTokens) {
        assertThat(line.getBoolean("usageEstimated")).as(line.encode()).isTrue();
        assertThat(line.getInteger("promptTokens")).as(line.encode()).isPositive();
        assertThat(line.getInteger("completionTokens")).as(line.encode()).isGreaterThanOrEqualTo(minCompletionTokens);
        assertThat(line.getDouble("cost")).isEqualTo(cost(line.getInteger("promptTokens"), 0, line.getInteger("completionTokens")),
                offset(1e-12));
    }

    private String metrics() {
        return Http.get(managementUri("/q/metrics")).body();
    }

    private double spentToday(String client) {
        JsonObject usage = new JsonObject(Http.send("GET", managementUri("/admin/v1/usage"), null, "authorization",
                "Bearer " + MeteringTestResource.ADMIN_KEY).body());
        JsonObject mine = usage.getJsonArray("clients").stream().map(JsonObject.class::cast)
                .filter(c -> client.equals(c.getString("name"))).findFirst().orElseThrow();
        return mine.getJsonObject("budget") == null ? 0 : mine.getJsonObject("budget").getJsonObject("day").getDouble("spent");
    }

    private long inFlight(String client) {
        JsonObject usage = new JsonObject(Http.send("GET", managementUri("/admin/v1/usage"), null, "authorization",
                "Bearer " + MeteringTestResource.ADMIN_KEY).body());
        return usage.getJsonArray("clients").stream().map(JsonObject.class::cast).filter(c -> client.equals(c.getString("name")))
                .findFirst().orElseThrow().getJsonObject("limits").getJsonObject("maxConcurrency").getLong("inFlight");
    }

    // Cut-short streams: /v1/chat/completions

    @Test
    void aClientLeavingAfterTheFinishReasonPaysTheUpstreamsUsage() throws Exception {
        String id = requestId("finish-then-leave");
        OpenAIClient client = openAi("metered");
        try (com.openai.core.http.StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(chat("m-late-usage", id, "read to the end of the text"))) {
            Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
            boolean finished = false;
            while (!finished && chunks.hasNext()) {
                finished = chunks.next().choices().stream().anyMatch(c -> c.finishReason().isPresent());
            }
            assertThat(finished).isTrue();
            // Closing here, with the usage chunk still 1.5 s away, is how a client skips paying for it.
        }

        JsonObject line = accessLine(id);
        assertThat(line.getInteger("status")).isEqualTo(499);
        assertThat(line.getInteger("promptTokens")).isEqualTo(5);
        assertThat(line.getInteger("completionTokens")).isEqualTo(7);
        assertThat(line.containsKey("usageEstimated")).isFalse();
        assertThat(line.getDouble("cost")).isEqualTo(cost(5, 0, 7), offset(1e-12));
    }

    @Test
    void aClientLeavingMidStreamStopsTheUpstreamAndPaysAnEstimate() throws Exception {
        double spentBefore = spentToday("metered");
        int cancelledBefore = MeteringTestResource.openAi().cancelledStreams();
        String id = requestId("leave-midway");
        OpenAIClient client = openAi("metered");
        try (com.openai.core.http.StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(chat("m-endless", id, "tick until I leave"))) {
            Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
            for (int i = 0; i < 3; i++) {
                assertThat(chunks.next().choices().get(0).delta().content()).hasValue(" tick");
            }
        }

        JsonObject line = accessLine(id);
        assertThat(line.getInteger("status")).isEqualTo(499);
        // Three " tick" chunks reached the client: 15 characters, 4 tokens at least.
        assertEstimated(line, 4);
        eventually(MeteringTestResource.openAi()::cancelledStreams, n -> n > cancelledBefore);
        double cost = line.getDouble("cost");
        eventually(() -> spentToday("metered"), spent -> spent >= spentBefore + cost - 1e-9);
        assertThat(metrics()).containsPattern("switchboard_usage_estimated_total\\{endpoint=\"chat\",model=\"m-endless\",provider=\"openai\"} [1-9]");
    }

    /** The upstream breaks the stream, or it runs out of time (the provider's total timeout, as the request deadline would). */
    @ParameterizedTest
    @ValueSource(strings = { "m-broken", "m-short" })
    void aStreamTheUpstreamCutsShortPaysAnEstimate(String model) throws Exception {
        String id = requestId("cut-" + model);
        StringBuilder relayed = new StringBuilder();
        OpenAIClient client = openAi("metered");
        try (com.openai.core.http.StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(chat(model, id, "until the upstream stops"))) {
            RuntimeException error = catchThrowableOfType(RuntimeException.class, () -> stream.stream()
                    .forEach(c -> c.choices().forEach(choice -> relayed.append(choice.delta().content().orElse("")))));
            assertThat(error).as("the stream ends with an error event").isNotNull();
        }

        JsonObject line = accessLine(id);
        assertThat(line.getInteger("status")).isEqualTo(200);
        assertThat(line.getString("error")).isEqualTo("stream_interrupted");
        assertThat(relayed).isNotEmpty();
        // At least what reached the client, at four characters a token.
        assertEstimated(line, (relayed.length() + 3) / 4);
    }

    @Test
    void aChatStreamFromAnAnthropicProviderLeftMidwayPaysAnEstimate() throws Exception {
        String id = requestId("chat-from-claude");
        OpenAIClient client = openAi("metered");
        try (com.openai.core.http.StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                .createStreaming(chat("m-claude-endless", id, "tick until I leave"))) {
            Iterator<ChatCompletionChunk> chunks = stream.stream().iterator();
            int content = 0;
            while (content < 3) {
                content += chunks.next().choices().stream().anyMatch(c -> c.delta().content().filter(t -> !t.isEmpty()).isPresent()) ? 1 : 0;
            }
        }

        JsonObject line = accessLine(id);
        assertThat(line.getInteger("status")).isEqualTo(499);
        assertEstimated(line, 4);
    }

    // Cut-short streams: /v1/messages

    @Test
    void aMessagesPassthroughLeftMidwayKeepsTheInputTokensOfMessageStart() throws Exception {
        String id = requestId("passthrough-leave");
        AnthropicClient client = anthropic("metered");
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages()
                .createStreaming(message("m-claude-endless", id, "one two three four five six seven"))) {
            Iterator<RawMessageStreamEvent> events = stream.stream().iterator();
            int deltas = 0;
            while (deltas < 2) {
                deltas += events.next().isContentBlockDelta() ? 1 : 0;
            }
        }

        JsonObject line = accessLine(id);
        assertThat(line.getInteger("status")).isEqualTo(499);
        assertThat(line.getBoolean("usageEstimated")).isTrue();
        // The simulator counts the words of the prompt as its input tokens, and says so in message_start.
        assertThat(line.getInteger("promptTokens")).isEqualTo(7);
        // Two " tick" deltas at least: 10 characters.
        assertThat(line.getInteger("completionTokens")).isGreaterThanOrEqualTo(3);
        assertThat(line.getDouble("cost")).isEqualTo(cost(7, 0, line.getInteger("completionTokens")), offset(1e-12));
        eventually(MeteringTestResource.anthropic()::cancelledStreams, n -> n > 0);
    }

    @Test
    void aTranslatedMessagesStreamLeftMidwayPaysAnEstimate() throws Exception {
        String id = requestId("translated-leave");
        AnthropicClient client = anthropic("metered");
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages()
                .createStreaming(message("m-endless", id, "tick until I leave"))) {
            Iterator<RawMessageStreamEvent> events = stream.stream().iterator();
            int deltas = 0;
            while (deltas < 2) {
                deltas += events.next().isContentBlockDelta() ? 1 : 0;
            }
        }

        JsonObject line = accessLine(id);
        assertThat(line.getInteger("status")).isEqualTo(499);
        assertEstimated(line, 3);
    }

    @Test
    void aTranslatedMessagesClientLeavingAfterTheLastBlockPaysTheUpstreamsUsage() throws Exception {
        String id = requestId("translated-finish-then-leave");
        AnthropicClient client = anthropic("metered");
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages()
                .createStreaming(message("m-late-usage", id, "read to the last block"))) {
            Iterator<RawMessageStreamEvent> events = stream.stream().iterator();
            boolean blockStopped = false;
            while (!blockStopped) {
                blockStopped = events.next().isContentBlockStop();
            }
        }

        JsonObject line = accessLine(id);
        assertThat(line.getInteger("status")).isEqualTo(499);
        assertThat(line.getInteger("promptTokens")).isEqualTo(5);
        assertThat(line.getInteger("completionTokens")).isEqualTo(7);
        assertThat(line.containsKey("usageEstimated")).isFalse();
    }

    // Cached input

    @Test
    void cachedInputTokensArePricedAtTheCachedPrice() throws Exception {
        String chatId = requestId("cached-chat");
        ChatCompletion completion = openAi("metered").chat().completions().create(chat("m-cached", chatId, "cached prompt"));
        assertThat(completion.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens()).hasValue(4L);
        JsonObject chatLine = accessLine(chatId);
        assertThat(chatLine.getInteger("cachedPromptTokens")).isEqualTo(4);
        assertThat(chatLine.getDouble("cost")).isEqualTo(cost(5, 4, 7), offset(1e-12));

        String messageId = requestId("cached-message");
        Message answer = anthropic("metered").messages().create(message("m-claude-cached", messageId, "a long cached system prompt here"));
        long cacheRead = answer.usage().cacheReadInputTokens().orElseThrow();
        long prompt = answer.usage().inputTokens() + cacheRead;
        assertThat(cacheRead).isPositive();
        JsonObject messageLine = accessLine(messageId);
        assertThat(messageLine.getInteger("cachedPromptTokens")).isEqualTo((int) cacheRead);
        assertThat(messageLine.getDouble("cost")).isEqualTo(cost(prompt, cacheRead, answer.usage().outputTokens()), offset(1e-12));
    }

    /**
     * Cached input read from every provider dialect in every client dialect: the record's cachedPromptTokens and the
     * cost follow the provider's report, whether its answer was translated or relayed, streamed or not.
     */
    @ParameterizedTest(name = "{0}, stream={1}")
    @org.junit.jupiter.params.provider.CsvSource({ "m-claude-cached,false", "m-claude-cached,true", "m-gemini-cached,false",
            "m-gemini-cached,true" })
    void cachedInputOfTranslatedChatAnswersIsPricedAtTheCachedPrice(String model, boolean stream) throws Exception {
        String id = requestId("cached-translated-chat");
        ChatCompletionCreateParams params = chat(model, id, "a long cached prompt for the cache").toBuilder()
                .streamOptions(com.openai.models.chat.completions.ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        com.openai.models.completions.CompletionUsage usage;
        if (stream) {
            try (com.openai.core.http.StreamResponse<ChatCompletionChunk> chunks = openAi("metered").chat().completions().createStreaming(params)) {
                usage = chunks.stream().filter(c -> c.usage().isPresent()).findFirst().orElseThrow().usage().orElseThrow();
            }
        } else {
            usage = openAi("metered").chat().completions().create(params).usage().orElseThrow();
        }
        long cached = usage.promptTokensDetails().orElseThrow().cachedTokens().orElseThrow();
        assertThat(cached).isPositive();

        JsonObject line = accessLine(id);
        assertThat(line.getInteger("cachedPromptTokens")).isEqualTo((int) cached);
        assertThat(line.getDouble("cost")).isEqualTo(cost(usage.promptTokens(), cached, usage.completionTokens()), offset(1e-12));
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = { false, true })
    void cachedInputOfATranslatedMessagesAnswerIsPricedAtTheCachedPrice(boolean stream) throws Exception {
        String id = requestId("cached-translated-message");
        MessageCreateParams params = message("m-cached", id, "cached prompt");
        Message answer;
        if (stream) {
            com.anthropic.helpers.MessageAccumulator accumulator = com.anthropic.helpers.MessageAccumulator.create();
            try (StreamResponse<RawMessageStreamEvent> events = anthropic("metered").messages().createStreaming(params)) {
                events.stream().forEach(accumulator::accumulate);
            }
            answer = accumulator.message();
        } else {
            answer = anthropic("metered").messages().create(params);
        }
        assertThat(answer.usage().cacheReadInputTokens()).hasValue(4L);

        JsonObject line = accessLine(id);
        assertThat(line.getInteger("cachedPromptTokens")).isEqualTo(4);
        assertThat(line.getDouble("cost")).isEqualTo(cost(5, 4, 7), offset(1e-12));
    }

    /** Counting tokens spends none: counted by Anthropic or estimated by the gateway, the request is charged nothing. */
    @ParameterizedTest
    @ValueSource(strings = { "m-claude-cached", "m-backup" })
    void countingTokensIsChargedNothing(String model) throws Exception {
        String id = requestId("count");
        long counted = anthropic("metered").messages().countTokens(com.anthropic.models.messages.MessageCountTokensParams.builder()
                .model(model).addUserMessage("how many tokens is this").putAdditionalHeader("x-request-id", id).build()).inputTokens();
        assertThat(counted).isPositive();

        JsonObject line = accessLine(id);
        assertThat(line.getString("endpoint")).isEqualTo("count_tokens");
        assertThat(line.getInteger("status")).isEqualTo(200);
        assertThat(line.containsKey("promptTokens")).as(line.encode()).isFalse();
        assertThat(line.containsKey("usageEstimated")).as(line.encode()).isFalse();
        assertThat(line.getDouble("cost", 0.0)).isZero();
    }

    // Fallbacks and allow-lists

    @Test
    void aFallbackOutsideTheClientsModelsIsSkippedAndSaidSo() throws Exception {
        int anthropicCalls = MeteringTestResource.anthropic().received().size();
        String id = requestId("fallback-not-allowed");
        OpenAIServiceException refused = catchThrowableOfType(OpenAIServiceException.class,
                () -> openAi("failover-only").chat().completions().create(chat("m-failover", id, "only m-failover for me")));

        assertThat(refused).as("m-failover's own target fails and no fallback may serve").isNotNull();
        assertThat(refused.statusCode()).isEqualTo(500);
        assertThat(refused.headers().values("x-switchboard-fallbacks-skipped")).containsExactly("m-anthropic=not-allowed, m-backup=not-allowed");
        assertThat(refused.headers().values("x-switchboard-fallback")).isEmpty();
        assertThat(MeteringTestResource.anthropic().received()).hasSize(anthropicCalls);
        assertThat(accessLine(id).getString("fallbacksSkipped")).isEqualTo("m-anthropic=not-allowed, m-backup=not-allowed");

        HttpResponseFor<ChatCompletion> served = openAi("failover-and-backup").chat().completions().withRawResponse()
                .create(chat("m-failover", requestId("fallback-allowed"), "m-backup is mine too"));
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().values("x-switchboard-fallback")).containsExactly("m-backup");
        assertThat(served.headers().values("x-switchboard-fallbacks-skipped")).containsExactly("m-anthropic=not-allowed");

        HttpResponseFor<ChatCompletion> unrestricted = openAi("metered").chat().completions().withRawResponse()
                .create(chat("m-failover", requestId("fallback-all-models"), "every model is mine"));
        assertThat(unrestricted.headers().values("x-switchboard-fallback")).containsExactly("m-anthropic");
        assertThat(unrestricted.headers().values("x-switchboard-fallbacks-skipped")).isEmpty();
    }

    @Test
    void aFallbackOutsideTheClientsModelsIsSkippedOnMessagesToo() throws Exception {
        int anthropicCalls = MeteringTestResource.anthropic().received().size();
        String id = requestId("messages-fallback-not-allowed");
        AnthropicServiceException refused = catchThrowableOfType(AnthropicServiceException.class,
                () -> anthropic("failover-only").messages().create(message("m-failover-messages", id, "only m-failover for me")));

        assertThat(refused).isNotNull();
        assertThat(refused.statusCode()).isEqualTo(500);
        assertThat(refused.headers().values("x-switchboard-fallbacks-skipped")).containsExactly("m-anthropic=not-allowed");
        assertThat(MeteringTestResource.anthropic().received()).hasSize(anthropicCalls);
        assertThat(accessLine(id).getString("fallbacksSkipped")).isEqualTo("m-anthropic=not-allowed");
    }

    // Deprecation and sunset

    @Test
    void aDeprecatedModelWarnsUntilItsSunsetAndIsRefusedAfter() throws Exception {
        TestClock.set(Instant.parse("2030-06-30T23:59:00Z"));
        HttpResponseFor<ChatCompletion> served = openAi("metered").chat().completions().withRawResponse()
                .create(chat("m-old", requestId("deprecated"), "still here"));
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(served.headers().values("warning")).containsExactly("299 - \"The model m-old is deprecated and will be refused after "
                + "2030-06-30; use m-backup instead. Moved to \\\"m-backup\\\".\"");
        assertThat(served.headers().values("sunset")).containsExactly("Mon, 1 Jul 2030 00:00:00 GMT");
        assertThat(modelIds("metered")).contains("m-old");
        assertThat(metrics()).containsPattern("switchboard_deprecated_requests_total\\{model=\"m-old\",state=\"deprecated\"} [1-9]");

        TestClock.set(Instant.parse("2030-07-01T00:00:01Z"));
        OpenAIServiceException gone = catchThrowableOfType(OpenAIServiceException.class,
                () -> openAi("metered").chat().completions().create(chat("m-old", requestId("sunset"), "gone?")));
        assertThat(gone.statusCode()).isEqualTo(410);
        HttpResponse<String> raw = Http.post(uri("/v1/chat/completions"), "{\"model\":\"m-old\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
                "authorization", "Bearer " + KEYS.get("metered"));
        assertThat(Http.error(raw).getString("code")).isEqualTo("model_sunset");
        assertThat(Http.error(raw).getString("message")).contains("2030-06-30").contains("`m-backup`");
        AnthropicServiceException goneFromMessages = catchThrowableOfType(AnthropicServiceException.class,
                () -> anthropic("metered").messages().create(message("m-old", requestId("sunset-messages"), "gone?")));
        assertThat(goneFromMessages.statusCode()).isEqualTo(410);
        assertThat(modelIds("metered")).doesNotContain("m-old").contains("m-backup");
        assertThat(Http.send("GET", uri("/v1/models/m-old"), null, "authorization", "Bearer " + KEYS.get("metered")).statusCode()).isEqualTo(404);
        HttpResponseFor<ChatCompletion> fallenBack = openAi("metered").chat().completions().withRawResponse()
                .create(chat("m-failover-to-old", requestId("sunset-fallback"), "not to the old one"));
        assertThat(fallenBack.headers().values("x-switchboard-fallback")).containsExactly("m-backup");
        assertThat(fallenBack.headers().values("x-switchboard-fallbacks-skipped")).containsExactly("m-old=sunset");
        assertThat(metrics()).containsPattern("switchboard_deprecated_requests_total\\{model=\"m-old\",state=\"sunset\"} [1-9]");
    }

    private List<String> modelIds(String client) {
        JsonObject models = new JsonObject(Http.send("GET", uri("/v1/models"), null, "authorization", "Bearer " + KEYS.get(client)).body());
        return models.getJsonArray("data").stream().map(m -> ((JsonObject) m).getString("id")).toList();
    }

    // Client labels

    @Test
    void clientLabelsReachTheMetricsThroughOneInfoSeriesPerClient() {
        List<String> info = metrics().lines().filter(l -> l.startsWith("switchboard_client_info{")).toList();

        assertThat(info).hasSize(KEYS.size());
        String metered = info.stream().filter(l -> l.contains("client=\"metered\"")).findFirst().orElseThrow();
        assertThat(metered).contains("label_tier=\"gold\"").contains("label_app_kubernetes_io_team=\"search\"")
                .contains("team=\"team-metered\"").endsWith(" 1.0");
        assertThat(info.stream().filter(l -> l.contains("client=\"lease\"")).findFirst().orElseThrow()).contains("label_tier=\"bronze\"");
        // 22 label keys in all; 16 are kept, in key order: app.kubernetes.io/team, tier, z00 to z13.
        String many = info.stream().filter(l -> l.contains("client=\"many-labels\"")).findFirst().orElseThrow();
        assertThat(many).contains("label_z13=\"v13\"").doesNotContain("label_z14");
        for (String line : info) {
            assertThat(line.split("label_", -1)).as("the same label names on every series: %s", line).hasSize(17);
        }
    }

    // Settlement against a Redis that restarts

    /**
     * The lease client may run one request at a time. Its request ends while Redis is down, so its settlement (which
     * frees the slot) fails; Redis comes back with its data, the lease still in it. The gateway sends the settlement
     * again: the slot is free at once, not after the lease's fifteen minutes.
     */
    @Test
    @Order(Order.DEFAULT + 1)
    void aSettlementLostToARedisRestartIsRetriedAndFreesTheSlot() throws Exception {
        eventually(this::metrics, m -> m.contains("switchboard_redis_up 1.0"));
        CompletableFuture<Integer> slow = CompletableFuture.supplyAsync(() -> {
            OpenAIClient client = openAi("lease");
            try (com.openai.core.http.StreamResponse<ChatCompletionChunk> stream = client.chat().completions()
                    .createStreaming(chat("m-drip", requestId("lease-holder"), "three seconds"))) {
                return (int) stream.stream().count();
            }
        });
        eventually(() -> inFlight("lease"), n -> n == 1);

        MeteringTestResource.redis().stop();
        assertThat(slow.get(30, TimeUnit.SECONDS)).isPositive();
        eventually(this::metrics, m -> m.matches("(?s).*switchboard_redis_settlements_total\\{result=\"failed\"} [1-9].*"));

        MeteringTestResource.redis().start();
        eventually(this::metrics, m -> m.contains("switchboard_redis_up 1.0"));
        eventually(() -> inFlight("lease"), n -> n == 0);
        assertThat(openAi("lease").chat().completions().withRawResponse().create(chat("m-backup", requestId("lease-next"), "my turn"))
                .statusCode()).isEqualTo(200);
        assertThat(metrics()).containsPattern("switchboard_redis_settlements_total\\{result=\"retried\"} [1-9]");
    }
}
