package dev.switchboard.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.OpenAiSimulator;
import dev.switchboard.gateway.testing.RetryAfterTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * An upstream's Retry-After is honoured through the real HTTP path: on a 503 the target is not called again until
 * it has passed (the next request goes to the next target, or is answered at once), and on a 429 the key cools
 * down for it in every HTTP-date form, the obsolete RFC 850 and asctime ones included.
 */
@QuarkusTest
@QuarkusTestResource(value = RetryAfterTestResource.class, restrictToAnnotatedClass = true)
class RetryAfterTest {

    /** Well below the simulator's 30 s: what is left of it when the second request is answered. */
    private static final long MOST_OF_IT = OpenAiSimulator.RETRY_AFTER_SECONDS - 10;

    @TestHTTPResource("/")
    URL root;

    private HttpResponse<String> chat(String model) {
        return Http.post(URI.create(root.toString()).resolve("/v1/chat/completions"),
                "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    }

    private static long calls(String upstreamModel) {
        return RetryAfterTestResource.simulator().received().stream()
                .filter(r -> upstreamModel.equals(r.body().getString("model"))).count();
    }

    @Test
    void aTargetThatAnswered503WithRetryAfterIsNotCalledAgainBeforeThen() {
        HttpResponse<String> first = chat("busy-then-good");
        HttpResponse<String> second = chat("busy-then-good");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("x-switchboard-attempts")).hasValue("2");
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.headers().firstValue("x-switchboard-provider")).hasValue("good");
        assertThat(second.headers().firstValue("x-switchboard-attempts")).as("the busy target was skipped").hasValue("1");
        assertThat(calls("unavailable-retry-after~fo")).isEqualTo(1);
    }

    @Test
    void aLoneTargetThatAnswered503WithRetryAfterIsAnsweredForAtOnce() {
        HttpResponse<String> first = chat("busy-alone");
        HttpResponse<String> second = chat("busy-alone");

        assertThat(first.statusCode()).isEqualTo(503);
        assertThat(first.headers().firstValue("retry-after")).hasValue(Long.toString(OpenAiSimulator.RETRY_AFTER_SECONDS));
        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(Http.error(second).getString("code")).isEqualTo("no_healthy_target");
        assertThat(Long.parseLong(second.headers().firstValue("retry-after").orElseThrow()))
                .isBetween(MOST_OF_IT, OpenAiSimulator.RETRY_AFTER_SECONDS);
        assertThat(calls("unavailable-retry-after~alone")).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = { "rfc850", "asctime" })
    void aRetryAfterDateInAnObsoleteFormCoolsTheKeysDownUntilThen(String form) {
        HttpResponse<String> first = chat("limited-" + form);
        HttpResponse<String> second = chat("limited-" + form);

        assertThat(first.statusCode()).isEqualTo(429);
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(Http.error(second).getString("code")).isEqualTo("upstream_rate_limited");
        assertThat(Long.parseLong(second.headers().firstValue("retry-after").orElseThrow()))
                .isBetween(MOST_OF_IT, OpenAiSimulator.RETRY_AFTER_SECONDS);
        assertThat(calls("rate-limited-" + form)).as("one call per key, none on the second request").isEqualTo(2);
    }
}
