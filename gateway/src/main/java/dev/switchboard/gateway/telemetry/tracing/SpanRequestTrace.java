package dev.switchboard.gateway.telemetry.tracing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.switchboard.gateway.record.RequestTrace;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.telemetry.genai.GenAi;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * The server span of one traced request and the attempt spans below it. The server span continues the caller's
 * W3C trace when one came; each attempt's context goes to its provider. Attribute names follow the GenAI semantic
 * conventions ({@link GenAi}); the gateway's own (attempt outcome, key fingerprint, events) are {@code switchboard.*}.
 */
final class SpanRequestTrace implements RequestTrace {

    static final AttributeKey<String> OPERATION = AttributeKey.stringKey(GenAi.OPERATION_NAME);
    static final AttributeKey<String> PROVIDER_NAME = AttributeKey.stringKey(GenAi.PROVIDER_NAME);
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey(GenAi.REQUEST_MODEL);
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey(GenAi.RESPONSE_MODEL);
    static final AttributeKey<Boolean> STREAM = AttributeKey.booleanKey(GenAi.REQUEST_STREAM);
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey(GenAi.USAGE_INPUT_TOKENS);
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey(GenAi.USAGE_OUTPUT_TOKENS);
    static final AttributeKey<Long> CACHED_TOKENS = AttributeKey.longKey(GenAi.USAGE_CACHE_READ_INPUT_TOKENS);
    static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey(GenAi.RESPONSE_FINISH_REASONS);
    static final AttributeKey<String> INPUT_MESSAGES = AttributeKey.stringKey(GenAi.INPUT_MESSAGES);
    static final AttributeKey<String> OUTPUT_MESSAGES = AttributeKey.stringKey(GenAi.OUTPUT_MESSAGES);
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey(GenAi.ERROR_TYPE);
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("switchboard.request_id");
    static final AttributeKey<String> CLIENT = AttributeKey.stringKey("switchboard.client");
    static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("switchboard.attempts");
    static final AttributeKey<String> FALLBACK = AttributeKey.stringKey("switchboard.fallback");
    static final AttributeKey<Boolean> USAGE_ESTIMATED = AttributeKey.booleanKey("switchboard.usage_estimated");
    static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("switchboard.provider");
    static final AttributeKey<String> KEY_FINGERPRINT = AttributeKey.stringKey("switchboard.key_fingerprint");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("switchboard.attempt");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("switchboard.outcome");
    static final AttributeKey<String> REASON = AttributeKey.stringKey("switchboard.reason");
    static final AttributeKey<String> PREVIOUS_PROVIDER = AttributeKey.stringKey("switchboard.previous_provider");
    static final AttributeKey<String> PREVIOUS_OUTCOME = AttributeKey.stringKey("switchboard.previous_outcome");
    static final AttributeKey<String> FROM_MODEL = AttributeKey.stringKey("switchboard.from_model");
    static final AttributeKey<String> TO_MODEL = AttributeKey.stringKey("switchboard.to_model");

    private final PolicyTracer tracer;
    private final Span span;
    private final Context context;
    private final String operation;
    /** The provider type of the latest attempt: the one that served when the request succeeded. */
    private String providerType;
    private String lastProvider;
    private String lastOutcome;
    private Buffer prompt;
    private Buffer completion;
    private boolean ended;

    private SpanRequestTrace(PolicyTracer tracer, Span span, String operation) {
        this.tracer = tracer;
        this.span = span;
        this.operation = operation;
        this.context = Context.root().with(span);
    }

    static SpanRequestTrace start(PolicyTracer tracer, MultiMap headers, String path, String endpoint, String requestId) {
        Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), headers, HeaderGetter.INSTANCE);
        String operation = GenAi.operation(endpoint);
        Span span = tracer.tracer.spanBuilder(operation)
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setAttribute(OPERATION, operation)
                .setAttribute(HTTP_METHOD, "POST")
                .setAttribute(URL_PATH, path)
                .setAttribute(REQUEST_ID, requestId)
                .startSpan();
        return new SpanRequestTrace(tracer, span, operation);
    }

    @Override
    public AttemptTrace attempt(String provider, String providerType, String upstreamModel, String keyFingerprint, String operation,
            int number) {
        if (number > 1) {
            // Another call for the same request: the retry, with what made the gateway move on.
            span.addEvent("switchboard.retry", Attributes.of(ATTEMPT, (long) number, PREVIOUS_PROVIDER, String.valueOf(lastProvider),
                    PREVIOUS_OUTCOME, String.valueOf(lastOutcome)));
        }
        this.providerType = providerType;
        this.lastProvider = provider;
        this.lastOutcome = null;
        String attemptOperation = GenAi.operation(operation);
        Span attempt = tracer.tracer.spanBuilder(attemptOperation + " " + upstreamModel)
                .setParent(context)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute(OPERATION, attemptOperation)
                .setAttribute(PROVIDER_NAME, GenAi.provider(providerType))
                .setAttribute(REQUEST_MODEL, upstreamModel)
                .setAttribute(PROVIDER, provider)
                // The pool's fingerprint of the key (a short hash), never the key.
                .setAttribute(KEY_FINGERPRINT, keyFingerprint)
                .setAttribute(ATTEMPT, (long) number)
                .startSpan();
        Map<String, String> headers = new HashMap<>(4);
        W3CTraceContextPropagator.getInstance().inject(context.with(attempt), headers, Map::put);
        return new Attempt(attempt, headers);
    }

    @Override
    public void refused(String provider, String upstreamModel, String reason) {
        span.addEvent("switchboard.target_refused", Attributes.of(PROVIDER, provider, REQUEST_MODEL, upstreamModel, REASON, reason));
    }

    @Override
    public void fallback(String from, String to) {
        span.addEvent("switchboard.fallback", Attributes.of(FROM_MODEL, from, TO_MODEL, to));
    }

    @Override
    public void prompt(Buffer body) {
        if (tracer.config.recordContent()) {
            prompt = body;
        }
    }

    @Override
    public void completion(Buffer body) {
        if (tracer.config.recordContent()) {
            completion = body;
        }
    }

    @Override
    public void finish(RequestRecord record) {
        if (ended) {
            return;
        }
        ended = true;
        if (record.model() != null) {
            span.updateName(operation + " " + record.model());
            span.setAttribute(REQUEST_MODEL, record.model());
        }
        if (providerType != null) {
            span.setAttribute(PROVIDER_NAME, GenAi.provider(providerType));
        }
        if (record.upstreamModelShown() != null) {
            span.setAttribute(RESPONSE_MODEL, record.upstreamModelShown());
        }
        span.setAttribute(STREAM, record.stream());
        setIfKnown(INPUT_TOKENS, record.usage().promptTokens());
        setIfKnown(OUTPUT_TOKENS, record.usage().completionTokens());
        setIfKnown(CACHED_TOKENS, record.usage().cachedPromptTokens());
        if (record.usage().isEstimated()) {
            span.setAttribute(USAGE_ESTIMATED, true);
        }
        if (record.usage().finishReason() != null) {
            span.setAttribute(FINISH_REASONS, List.of(record.usage().finishReason()));
        }
        if (record.clientName() != null) {
            span.setAttribute(CLIENT, record.clientName());
        }
        span.setAttribute(ATTEMPTS, (long) record.attempts());
        if (record.fallback() != null) {
            span.setAttribute(FALLBACK, record.fallback());
        }
        span.setAttribute(HTTP_STATUS, (long) record.status());
        if (record.errorCode() != null) {
            span.setAttribute(ERROR_TYPE, record.errorCode());
        }
        if (record.status() >= 500) {
            span.setStatus(StatusCode.ERROR, record.errorCode());
        }
        if (prompt != null) {
            span.setAttribute(INPUT_MESSAGES, ContentFields.input(prompt));
        }
        if (completion != null) {
            span.setAttribute(OUTPUT_MESSAGES, ContentFields.output(completion));
        }
        span.end();
    }

    private void setIfKnown(AttributeKey<Long> key, Integer value) {
        if (value != null) {
            span.setAttribute(key, value.longValue());
        }
    }

    @Override
    public String traceId() {
        return span.getSpanContext().getTraceId();
    }

    @Override
    public String spanId() {
        return span.getSpanContext().getSpanId();
    }

    /** One upstream call. */
    private final class Attempt implements AttemptTrace {

        private final Span attempt;
        private final Map<String, String> headers;
        private boolean ended;

        Attempt(Span attempt, Map<String, String> headers) {
            this.attempt = attempt;
            this.headers = headers;
        }

        @Override
        public Map<String, String> headers() {
            return headers;
        }

        @Override
        public void firstToken() {
            attempt.addEvent("switchboard.first_token");
        }

        @Override
        public void ended(String outcome, int status, String reason) {
            if (ended) {
                return;
            }
            ended = true;
            lastOutcome = outcome;
            attempt.setAttribute(OUTCOME, outcome);
            if (status != 0) {
                attempt.setAttribute(HTTP_STATUS, (long) status);
            }
            if (!"SUCCESS".equals(outcome)) {
                attempt.setAttribute(ERROR_TYPE, outcome.toLowerCase(java.util.Locale.ROOT));
                if (reason != null) {
                    attempt.setAttribute(REASON, reason);
                }
                attempt.setStatus(StatusCode.ERROR, reason != null ? reason : outcome);
            }
            attempt.end();
        }
    }
}
