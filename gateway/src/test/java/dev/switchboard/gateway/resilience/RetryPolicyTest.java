package dev.switchboard.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.upstream.UpstreamFailure;

/** Which outcomes are acted on, and how long a retry round waits. */
class RetryPolicyTest {

    @Test
    void statusesFallIntoTheirRetryClasses() {
        assertThat(Outcome.ofStatus(429)).isEqualTo(Outcome.RATE_LIMITED);
        assertThat(Outcome.ofStatus(500).retryClass()).isEqualTo("ServerError");
        assertThat(Outcome.ofStatus(503).retryClass()).isEqualTo("ServerError");
        assertThat(Outcome.ofStatus(409).retryClass()).isEqualTo("ServerError");
        assertThat(Outcome.ofStatus(408).retryClass()).isEqualTo("Timeout");
        assertThat(Outcome.ofStatus(401)).isEqualTo(Outcome.AUTH_FAILED);
        assertThat(Outcome.ofStatus(200)).isEqualTo(Outcome.SUCCESS);
        assertThat(Outcome.of(new UpstreamFailure(UpstreamFailure.Kind.CONNECT, "x")).retryClass()).isEqualTo("ConnectFailure");
        assertThat(Outcome.of(new UpstreamFailure(UpstreamFailure.Kind.TIMEOUT, "x")).retryClass()).isEqualTo("Timeout");
    }

    @Test
    void clientErrorsAreNeverRetriedWhateverTheClasses() {
        RetryPolicy all = new RetryPolicy(3, 10, 100, List.of("RateLimited", "ServerError", "ConnectFailure", "Timeout"));

        for (int status : new int[] { 400, 404, 413, 422 }) {
            assertThat(all.covers(Outcome.ofStatus(status))).as("HTTP %d", status).isFalse();
        }
        assertThat(all.covers(Outcome.ofStatus(408))).isTrue();
        assertThat(all.covers(Outcome.ofStatus(409))).isTrue();
        assertThat(all.covers(Outcome.ofStatus(429))).isTrue();
    }

    @Test
    void onlyTheConfiguredClassesAreRetriedButARefusedKeyAlwaysMovesOn() {
        RetryPolicy connectOnly = new RetryPolicy(3, 10, 100, List.of("ConnectFailure"));

        assertThat(connectOnly.covers(Outcome.CONNECT_FAILURE)).isTrue();
        assertThat(connectOnly.covers(Outcome.BROKEN)).isTrue();
        assertThat(connectOnly.covers(Outcome.SERVER_ERROR)).isFalse();
        assertThat(connectOnly.covers(Outcome.RATE_LIMITED)).isFalse();
        assertThat(connectOnly.covers(Outcome.TIMEOUT)).isFalse();
        assertThat(connectOnly.covers(Outcome.AUTH_FAILED)).isTrue();
    }

    @Test
    void backoffGrowsExponentiallyWithJitterUpToTheMaxAndRetryAfterWins() {
        RetryPolicy policy = new RetryPolicy(5, 100, 1_000, List.of());

        for (int i = 0; i < 200; i++) {
            assertThat(policy.backoffMs(1, 0)).isBetween(50L, 100L);
            assertThat(policy.backoffMs(2, 0)).isBetween(100L, 200L);
            assertThat(policy.backoffMs(10, 0)).isBetween(500L, 1_000L);
        }
        assertThat(policy.backoffMs(1, 7_000)).isEqualTo(7_000);
    }

    @Test
    void retryAfterIsReadAsSecondsOrAnHttpDate() {
        assertThat(RetryAfter.millis("7")).isEqualTo(7_000);
        assertThat(RetryAfter.millis("0.5")).isEqualTo(500);
        assertThat(RetryAfter.millis(null)).isZero();
        assertThat(RetryAfter.millis("soon")).isZero();
        assertThat(RetryAfter.millis("999999")).isEqualTo(RetryAfter.MAX_MS);
        String inAMinute = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(60));
        assertThat(RetryAfter.millis(inAMinute)).isBetween(55_000L, 60_000L);
    }
}
