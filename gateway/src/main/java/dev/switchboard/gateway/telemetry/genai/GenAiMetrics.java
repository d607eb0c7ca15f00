package dev.switchboard.gateway.telemetry.genai;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The OpenTelemetry GenAI metrics, next to the gateway's own {@code switchboard_*} ones (which the shipped alerts
 * and dashboard use, and which stay as they are). Names, attributes and bucket boundaries are the convention's:
 * <ul>
 * <li>{@code gen_ai.client.token.usage}: tokens per request and {@code gen_ai.token.type} (input, output);</li>
 * <li>{@code gen_ai.client.operation.duration}: each upstream call, as the gateway (the provider's client) saw it;</li>
 * <li>{@code gen_ai.server.request.duration}, {@code gen_ai.server.time_to_first_token} and
 * {@code gen_ai.server.time_per_output_token}: each request, as the gateway's clients see it.</li>
 * </ul>
 * Every attribute value comes from the loaded table (model and provider names) or a fixed set, never from client input.
 */
@Singleton
public class GenAiMetrics {

    private static final double[] TOKEN_BUCKETS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304,
            16777216, 67108864};
    private static final Duration[] DURATION_BUCKETS = seconds(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24,
            20.48, 40.96, 81.92);
    private static final Duration[] FIRST_TOKEN_BUCKETS = seconds(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75,
            1.0, 2.5, 5.0, 7.5, 10.0);
    private static final Duration[] PER_TOKEN_BUCKETS = seconds(0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0,
            2.5);

    @Inject
    MeterRegistry registry;

    /**
     * What one meter is keyed by; {@code responseModel} is null for the meters that have none (an upstream call's),
     * {@code errorType} is null for a success.
     */
    private record Key(String operation, String provider, String requestModel, String responseModel, String errorType) {

        /**
         * Prometheus wants one label set per metric name, so error.type is always there, empty on a success (which
         * PromQL reads as absent), and so is the response model of a request's meters.
         */
        Tags tags() {
            Tags tags = Tags.of(GenAi.OPERATION_NAME, operation, GenAi.PROVIDER_NAME, provider, GenAi.REQUEST_MODEL, requestModel,
                    GenAi.ERROR_TYPE, errorType == null ? "" : errorType);
            return responseModel != null ? tags.and(GenAi.RESPONSE_MODEL, responseModel) : tags;
        }
    }

    private record TokenKey(Key key, String type) {
    }

    // Looked up once per tag combination (table names only, so these stay small): building meters costs more than recording.
    private final ConcurrentMap<TokenKey, DistributionSummary> tokens = new ConcurrentHashMap<>();
    private final ConcurrentMap<Key, Timer> operations = new ConcurrentHashMap<>();
    private final ConcurrentMap<Key, Timer> requests = new ConcurrentHashMap<>();
    private final ConcurrentMap<Key, Timer> firstTokens = new ConcurrentHashMap<>();
    private final ConcurrentMap<Key, Timer> perToken = new ConcurrentHashMap<>();

    /**
     * One request ended. {@code status} is what the client got; the first byte is its first
     * streamed event; time per output token needs a stream that produced at least two tokens.
     */
    public void requestCompleted(String endpoint, String providerType, String model, String upstreamModel, boolean stream, int status,
            Integer inputTokens, Integer outputTokens, long startNanos, long firstByteNanos, long endNanos) {
        String operation = GenAi.operation(endpoint);
        String provider = GenAi.provider(providerType);
        String requestModel = model == null ? "none" : model;
        boolean ok = status / 100 == 2;
        Key key = new Key(operation, provider, requestModel, upstreamModel == null ? "" : upstreamModel, ok ? null : errorType(status));
        cached(requests, key, k -> Timer.builder("gen_ai.server.request.duration")
                .description("GenAI request duration at the gateway, from arrival to the last byte of the response")
                .tags(k.tags()).serviceLevelObjectives(DURATION_BUCKETS).register(registry))
                .record(endNanos - startNanos, TimeUnit.NANOSECONDS);
        if (!ok) {
            return;
        }
        if (inputTokens != null) {
            cached(tokens, new TokenKey(key, "input"), this::tokenUsage).record(inputTokens);
        }
        if (outputTokens != null) {
            cached(tokens, new TokenKey(key, "output"), this::tokenUsage).record(outputTokens);
        }
        if (stream && firstByteNanos != 0) {
            cached(firstTokens, key, k -> Timer.builder("gen_ai.server.time_to_first_token")
                    .description("Time from a streamed request's arrival to its first event sent to the client")
                    .tags(k.tags()).serviceLevelObjectives(FIRST_TOKEN_BUCKETS).register(registry))
                    .record(firstByteNanos - startNanos, TimeUnit.NANOSECONDS);
            if (outputTokens != null && outputTokens > 1) {
                cached(perToken, key, k -> Timer.builder("gen_ai.server.time_per_output_token")
                        .description("Time per output token after the first one, of streamed answers")
                        .tags(k.tags()).serviceLevelObjectives(PER_TOKEN_BUCKETS).register(registry))
                        .record((endNanos - firstByteNanos) / (outputTokens - 1), TimeUnit.NANOSECONDS);
            }
        }
    }

    /** One upstream call ended with the outcome (SUCCESS or a failure class of the attempt pipeline). */
    public void operationCompleted(String operation, String providerType, String upstreamModel, String outcome, long durationNanos) {
        Key key = new Key(GenAi.operation(operation), GenAi.provider(providerType), upstreamModel, null,
                "SUCCESS".equals(outcome) ? null : outcome.toLowerCase(java.util.Locale.ROOT));
        cached(operations, key, k -> Timer.builder("gen_ai.client.operation.duration")
                .description("Duration of each call the gateway made to a provider")
                .tags(k.tags()).serviceLevelObjectives(DURATION_BUCKETS).register(registry))
                .record(durationNanos, TimeUnit.NANOSECONDS);
    }

    private DistributionSummary tokenUsage(TokenKey key) {
        return DistributionSummary.builder("gen_ai.client.token.usage")
                .description("Tokens used per request, by gen_ai.token.type")
                .tags(key.key().tags().and(GenAi.TOKEN_TYPE, key.type()))
                .serviceLevelObjectives(TOKEN_BUCKETS)
                .register(registry);
    }

    /**
     * error.type of a request that failed: its HTTP status, as the convention allows. Not the error code, which for a
     * relayed provider error is the provider's own and would make series out of whatever a provider sends.
     */
    private static String errorType(int status) {
        return status == 0 ? "_OTHER" : Integer.toString(status);
    }

    private static Duration[] seconds(double... bounds) {
        return Arrays.stream(bounds).mapToObj(s -> Duration.ofNanos(Math.round(s * 1e9))).toArray(Duration[]::new);
    }

    private static <K, M> M cached(ConcurrentMap<K, M> meters, K key, Function<K, M> create) {
        M meter = meters.get(key);
        return meter != null ? meter : meters.computeIfAbsent(key, create);
    }
}
