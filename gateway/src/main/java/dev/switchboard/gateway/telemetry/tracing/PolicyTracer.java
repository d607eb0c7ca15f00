package dev.switchboard.gateway.telemetry.tracing;

import java.util.concurrent.TimeUnit;

import dev.switchboard.routing.PolicySettings;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;

/**
 * The OpenTelemetry SDK as one routing table's tracing settings configure it: a tracer provider with the policy's
 * resource and sampler, a batch processor and an OTLP exporter to its endpoint. A table with other settings gets
 * another one, and this one is shut down (its last spans flushed) once requests of the old table are over.
 */
final class PolicyTracer {

    /** Longest attribute value: recorded prompts and completions are cut here rather than sent whole. */
    static final int MAX_ATTRIBUTE_LENGTH = 16 * 1024;

    final PolicySettings.Tracing config;
    final Tracer tracer;
    /** The request deadline of the table that made it: no request of that table outlives it. */
    final long deadlineMs;
    private final SdkTracerProvider provider;

    private PolicyTracer(PolicySettings.Tracing config, long deadlineMs, SdkTracerProvider provider) {
        this.config = config;
        this.deadlineMs = deadlineMs;
        this.provider = provider;
        this.tracer = provider.get("dev.switchboard.gateway");
    }

    static PolicyTracer create(PolicySettings.Tracing config, long deadlineMs, long batchDelayMs) {
        SpanExporter exporter = "Grpc".equals(config.protocol())
                ? OtlpGrpcSpanExporter.builder().setEndpoint(config.endpoint()).build()
                : OtlpHttpSpanExporter.builder().setEndpoint(config.endpoint()).build();
        AttributesBuilder resource = Attributes.builder();
        config.resourceAttributes().forEach(resource::put);
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(resource.build())))
                // A caller's sampling decision is kept (parent-based); new traces are sampled by the policy's ratio.
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(config.samplingRatio())))
                .setSpanLimits(SpanLimits.builder().setMaxAttributeValueLength(MAX_ATTRIBUTE_LENGTH).build())
                // Spans leave in batches on the processor's own thread; a full queue drops spans, never blocks a request.
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(batchDelayMs, TimeUnit.MILLISECONDS).build())
                .build();
        return new PolicyTracer(config, deadlineMs, provider);
    }

    /** Flushes what is queued and stops the exporter; the returned result completes when that is done. */
    CompletableResultCode shutdown() {
        return provider.shutdown();
    }
}
