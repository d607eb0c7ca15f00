package dev.switchboard.gateway.telemetry.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.anthropic.client.AnthropicClient;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import dev.switchboard.gateway.table.RoutingState;
import dev.switchboard.gateway.testing.AnthropicSdkTransport;
import dev.switchboard.gateway.testing.OpenAiSimulator;
import dev.switchboard.gateway.testing.OtlpReceiver;
import dev.switchboard.gateway.testing.TestTables;
import dev.switchboard.gateway.testing.TracingTestResource;
import dev.switchboard.routing.PolicySettings;
import io.opentelemetry.proto.trace.v1.Span;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * Traces as an OpenTelemetry collector receives them: the gateway exports to a loopback OTLP/HTTP receiver that
 * decodes the protobuf payload, the client is the OpenAI SDK and the providers are the OpenAI simulator.
 */
@QuarkusTest
@QuarkusTestResource(value = TracingTestResource.class, restrictToAnnotatedClass = true)
class TracingTest {

    private static final Duration EXPORT_WAIT = Duration.ofSeconds(20);

    @TestHTTPResource("/v1")
    URL v1;

    @TestHTTPResource("/")
    URL root;

    @Inject
    RoutingState state;

    OpenAIClient client;

    @BeforeEach
    void connect() {
        client = OpenAIOkHttpClient.builder().baseUrl(v1.toString()).apiKey("client-key").maxRetries(0).build();
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    @Test
    void aStreamThatFailsOverOnceIsOneServerSpanWithTwoAttemptSpansAndTheRetryEvent() {
        String requestId = UUID.randomUUID().toString();
        StringBuilder content = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("traced").addUserMessage("a secret prompt").putAdditionalHeader("x-request-id", requestId).build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(content::append)));
        }
        assertThat(content).isNotEmpty();

        OtlpReceiver.Received server = awaitServerSpan(requestId);
        List<OtlpReceiver.Received> attempts = await(() -> {
            List<OtlpReceiver.Received> children = childrenOf(server);
            return children.size() == 2 ? Optional.of(children) : Optional.empty();
        }, "both attempt spans of request " + requestId);

        assertThat(server.span().getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
        assertThat(server.span().getName()).isEqualTo("chat traced");
        assertThat(server.attributes())
                .containsEntry("gen_ai.operation.name", "chat")
                .containsEntry("gen_ai.provider.name", "openai")
                .containsEntry("gen_ai.request.model", "traced")
                .containsEntry("gen_ai.response.model", "cached~traced")
                .containsEntry("gen_ai.request.stream", "true")
                .containsEntry("gen_ai.usage.input_tokens", "5")
                .containsEntry("gen_ai.usage.output_tokens", "7")
                .containsEntry("gen_ai.usage.cache_read.input_tokens", Integer.toString(OpenAiSimulator.CACHED_TOKENS))
                .containsEntry("gen_ai.response.finish_reasons", "stop")
                .containsEntry("http.response.status_code", "200")
                .containsEntry("switchboard.attempts", "2")
                .doesNotContainKeys("gen_ai.input.messages", "gen_ai.output.messages", "error.type");
        assertThat(server.eventNames()).containsExactly("switchboard.retry");
        assertThat(server.event("switchboard.retry"))
                .containsEntry("switchboard.attempt", "2")
                .containsEntry("switchboard.previous_provider", "failing")
                .containsEntry("switchboard.previous_outcome", "SERVER_ERROR");
        assertThat(server.resource())
                .containsEntry("service.name", "switchboard-gateway")
                .containsEntry("switchboard.policy", "gateway")
                .containsEntry("k8s.namespace.name", "test");

        OtlpReceiver.Received failed = attempts.stream().filter(a -> a.attributes().get("switchboard.attempt").equals("1")).findFirst().orElseThrow();
        OtlpReceiver.Received served = attempts.stream().filter(a -> a.attributes().get("switchboard.attempt").equals("2")).findFirst().orElseThrow();
        assertThat(failed.span().getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(failed.span().getName()).isEqualTo("chat fail-500~traced");
        assertThat(failed.attributes())
                .containsEntry("gen_ai.provider.name", "openai")
                .containsEntry("gen_ai.request.model", "fail-500~traced")
                .containsEntry("switchboard.provider", "failing")
                .containsEntry("switchboard.outcome", "SERVER_ERROR")
                .containsEntry("http.response.status_code", "500")
                .containsEntry("error.type", "server_error")
                .containsEntry("switchboard.reason", "the provider answered HTTP 500")
                .containsKey("switchboard.key_fingerprint");
        assertThat(failed.span().getStatus().getCode()).isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);
        assertThat(served.attributes())
                .containsEntry("switchboard.provider", "healthy")
                .containsEntry("gen_ai.request.model", "cached~traced")
                .containsEntry("switchboard.outcome", "SUCCESS")
                .containsEntry("http.response.status_code", "200")
                .doesNotContainKey("error.type");
        assertThat(served.eventNames()).containsExactly("switchboard.first_token");
        assertThat(served.span().getStartTimeUnixNano()).isGreaterThanOrEqualTo(failed.span().getEndTimeUnixNano());

        // Each upstream call carried the traceparent of its own attempt span.
        List<OpenAiSimulator.Received> calls = TracingTestResource.simulator().received().stream()
                .filter(r -> requestId.equals(r.headers().get("x-request-id"))).toList();
        assertThat(calls).extracting(r -> r.headers().get("traceparent")).containsExactly(
                "00-" + server.traceId() + "-" + failed.spanId() + "-01",
                "00-" + server.traceId() + "-" + served.spanId() + "-01");

        // Neither the client's prompt nor a provider key is anywhere in the trace.
        for (OtlpReceiver.Received span : List.of(server, failed, served)) {
            assertThat(span.span().toString()).doesNotContain("a secret prompt", TestTables.KEY_A, TestTables.KEY_B);
        }
    }

    @Test
    void aMessagesRequestServedByAnOpenAiTargetCarriesTheUpstreamsFinishReason() {
        String plain = UUID.randomUUID().toString();
        String streamed = UUID.randomUUID().toString();
        AnthropicClient anthropic = AnthropicSdkTransport.client(root.toString(), "client-key");
        try {
            Message message = anthropic.messages().create(MessageCreateParams.builder().model("traced").maxTokens(50)
                    .addUserMessage("hello").putAdditionalHeader("x-request-id", plain).build());
            assertThat(message.content()).isNotEmpty();
            MessageAccumulator accumulator = MessageAccumulator.create();
            try (com.anthropic.core.http.StreamResponse<RawMessageStreamEvent> stream = anthropic.messages().createStreaming(
                    MessageCreateParams.builder().model("traced").maxTokens(50).addUserMessage("hello")
                            .putAdditionalHeader("x-request-id", streamed).build())) {
                stream.stream().forEach(accumulator::accumulate);
            }
            assertThat(accumulator.message().content()).isNotEmpty();
        } finally {
            anthropic.close();
        }

        for (String requestId : List.of(plain, streamed)) {
            assertThat(awaitServerSpan(requestId).attributes())
                    .containsEntry("gen_ai.request.model", "traced")
                    .containsEntry("gen_ai.response.finish_reasons", "stop");
        }
    }

    @Test
    void anIncomingTraceparentIsContinuedAndTheUpstreamJoinsTheTrace() {
        String requestId = UUID.randomUUID().toString();
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String parentId = "00f067aa0ba902b7";
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("plain").addUserMessage("hello").putAdditionalHeader("x-request-id", requestId)
                .putAdditionalHeader("traceparent", "00-" + traceId + "-" + parentId + "-01").build());
        assertThat(completion.choices()).isNotEmpty();

        OtlpReceiver.Received server = awaitServerSpan(requestId);
        assertThat(server.traceId()).isEqualTo(traceId);
        assertThat(server.parentSpanId()).isEqualTo(parentId);
        assertThat(server.attributes()).containsEntry("gen_ai.request.stream", "false").containsEntry("switchboard.attempts", "1");
        OtlpReceiver.Received attempt = await(() -> childrenOf(server).stream().findFirst(), "the attempt span");
        assertThat(attempt.traceId()).isEqualTo(traceId);

        OpenAiSimulator.Received call = TracingTestResource.simulator().received().stream()
                .filter(r -> requestId.equals(r.headers().get("x-request-id"))).findFirst().orElseThrow();
        assertThat(call.headers().get("traceparent")).isEqualTo("00-" + traceId + "-" + attempt.spanId() + "-01");
    }

    @Test
    void withTracingOffNothingIsExportedAndTurningItBackOnWithContentReloads() throws Exception {
        try {
            reloadWith(null);
            String untraced = UUID.randomUUID().toString();
            client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("traced").addUserMessage("hello").putAdditionalHeader("x-request-id", untraced)
                    .putAdditionalHeader("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").build());
            OpenAiSimulator.Received call = TracingTestResource.simulator().received().stream()
                    .filter(r -> untraced.equals(r.headers().get("x-request-id"))).reduce((a, b) -> b).orElseThrow();
            assertThat(call.headers().get("traceparent")).as("an untraced gateway passes no trace context on").isNull();

            // Tracing back on, with content: the next request's spans arrive, and by then anything of the untraced one
            // would have arrived too (one exporter, in order).
            reloadWith(TracingTestResource.tracing(true));
            String traced = UUID.randomUUID().toString();
            client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("plain").addUserMessage("the opted-in prompt").putAdditionalHeader("x-request-id", traced).build());
            OtlpReceiver.Received server = awaitServerSpan(traced);
            assertThat(server.attributes().get("gen_ai.input.messages")).contains("the opted-in prompt");
            assertThat(server.attributes().get("gen_ai.output.messages")).contains("choices");

            assertThat(TracingTestResource.receiver().spans()).noneMatch(s -> untraced.equals(s.attributes().get("switchboard.request_id"))
                    || s.traceId().equals("0af7651916cd43dd8448eb211c80319c"));
        } finally {
            reloadWith(TracingTestResource.tracing(false));
        }
    }

    private void reloadWith(PolicySettings.Tracing tracing) throws Exception {
        TracingTestResource.write(tracing);
        await(() -> state.current() != null && java.util.Objects.equals(state.current().table().settings().tracing(), tracing)
                ? Optional.of(true) : Optional.empty(), "the table with tracing " + tracing);
    }

    private static OtlpReceiver.Received awaitServerSpan(String requestId) {
        return await(() -> TracingTestResource.receiver().spans().stream()
                .filter(s -> requestId.equals(s.attributes().get("switchboard.request_id"))).findFirst(), "the server span of " + requestId);
    }

    private static List<OtlpReceiver.Received> childrenOf(OtlpReceiver.Received parent) {
        return TracingTestResource.receiver().spans().stream()
                .filter(s -> s.traceId().equals(parent.traceId()) && s.parentSpanId().equals(parent.spanId())).toList();
    }

    private static <T> T await(Supplier<Optional<T>> probe, String what) {
        long deadline = System.nanoTime() + EXPORT_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
