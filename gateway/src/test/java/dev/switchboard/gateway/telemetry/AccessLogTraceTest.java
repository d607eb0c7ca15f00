package dev.switchboard.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.record.RequestTrace;
import io.vertx.core.json.JsonObject;

/** The access log line names the request's trace and server span when it is traced, and leaves them out otherwise. */
class AccessLogTraceTest {

    @Test
    void aTracedRequestsLineCarriesItsTraceAndSpanIds() {
        RequestRecord record = new RequestRecord("req-1", "127.0.0.1", "chat");
        record.traced(new RequestTrace() {
            @Override
            public String traceId() {
                return "4bf92f3577b34da6a3ce929d0e0e4736";
            }

            @Override
            public String spanId() {
                return "00f067aa0ba902b7";
            }
        });
        JsonObject line = new JsonObject(AccessLogLine.of(record, record.startNanos()));
        assertThat(line.getString("traceId")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(line.getString("spanId")).isEqualTo("00f067aa0ba902b7");
    }

    @Test
    void anUntracedRequestsLineHasNoTraceFields() {
        JsonObject line = new JsonObject(AccessLogLine.of(new RequestRecord("req-2", "127.0.0.1", "chat"), System.nanoTime()));
        assertThat(line.fieldNames()).doesNotContain("traceId", "spanId").contains("requestId");
    }
}
