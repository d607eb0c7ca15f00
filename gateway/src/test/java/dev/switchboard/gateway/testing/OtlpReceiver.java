package dev.switchboard.gateway.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import com.google.protobuf.InvalidProtocolBufferException;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/**
 * An OpenTelemetry collector's OTLP/HTTP traces endpoint on 127.0.0.1: it decodes each protobuf export
 * ({@code POST /v1/traces}) with the OTLP proto classes and keeps the spans, with their resource, for assertions.
 * Runnable on its own for the benchmark ({@code main}), where it only counts the spans.
 */
public final class OtlpReceiver implements AutoCloseable {

    /** One received span and the resource attributes of the batch it came in. */
    public record Received(Span span, Map<String, String> resource) {

        public String traceId() {
            return hex(span.getTraceId().toByteArray());
        }

        public String spanId() {
            return hex(span.getSpanId().toByteArray());
        }

        public String parentSpanId() {
            return hex(span.getParentSpanId().toByteArray());
        }

        /** Attribute values as strings (arrays joined with commas), by key. */
        public Map<String, String> attributes() {
            return OtlpReceiver.attributes(span.getAttributesList());
        }

        public List<String> eventNames() {
            return span.getEventsList().stream().map(Span.Event::getName).toList();
        }

        public Map<String, String> event(String name) {
            return span.getEventsList().stream().filter(e -> e.getName().equals(name)).findFirst()
                    .map(e -> OtlpReceiver.attributes(e.getAttributesList())).orElseThrow();
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final ConcurrentLinkedDeque<Received> spans = new ConcurrentLinkedDeque<>();
    private final AtomicInteger exports = new AtomicInteger();
    private final AtomicLong spanCount = new AtomicLong();
    private HttpServer server;

    private OtlpReceiver() {
    }

    public static OtlpReceiver start(int port) throws Exception {
        OtlpReceiver receiver = new OtlpReceiver();
        receiver.server = receiver.vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
                .requestHandler(request -> {
                    if (!"/v1/traces".equals(request.path())) {
                        request.response().setStatusCode(404).end();
                        return;
                    }
                    request.body().onSuccess(body -> {
                        try {
                            receiver.accept(ExportTraceServiceRequest.parseFrom(body.getBytes()));
                            request.response().putHeader("content-type", "application/x-protobuf")
                                    .end(Buffer.buffer(ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
                        } catch (InvalidProtocolBufferException e) {
                            request.response().setStatusCode(400).end();
                        }
                    });
                });
        try {
            receiver.server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            receiver.close();
            throw e;
        }
        return receiver;
    }

    private void accept(ExportTraceServiceRequest request) {
        exports.incrementAndGet();
        for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
            Map<String, String> resource = attributes(resourceSpans.getResource().getAttributesList());
            for (ScopeSpans scope : resourceSpans.getScopeSpansList()) {
                for (Span span : scope.getSpansList()) {
                    spans.add(new Received(span, resource));
                }
                spanCount.addAndGet(scope.getSpansCount());
            }
        }
    }

    /** The traces endpoint, as a policy's tracing.endpoint names it. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1/traces";
    }

    public List<Received> spans() {
        return new ArrayList<>(spans);
    }

    /** Export requests received, empty ones included. */
    public int exports() {
        return exports.get();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    static Map<String, String> attributes(List<KeyValue> attributes) {
        return attributes.stream().collect(Collectors.toMap(KeyValue::getKey, kv -> text(kv.getValue()), (a, b) -> b));
    }

    private static String text(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
            case INT_VALUE -> Long.toString(value.getIntValue());
            case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
            case ARRAY_VALUE -> value.getArrayValue().getValuesList().stream().map(OtlpReceiver::text).collect(Collectors.joining(","));
            default -> value.toString();
        };
    }

    static String hex(byte[] bytes) {
        StringBuilder hex = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return hex.toString();
    }

    /**
     * Serves on the port until the process is stopped, for the benchmark: prints how many spans it received so far
     * every second, and keeps none of them.
     */
    public static void main(String[] args) throws Exception {
        OtlpReceiver receiver = start(Integer.parseInt(args[0]));
        System.out.println("otlp receiver on " + receiver.endpoint());
        while (true) {
            Thread.sleep(1_000);
            receiver.spans.clear();
            System.out.println("spans received: " + receiver.spanCount.get());
        }
    }
}
