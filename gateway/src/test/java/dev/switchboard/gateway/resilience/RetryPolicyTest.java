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

    @Test
    void retryAfterReadsTheObsoleteHttpDateFormsToo() {
        java.time.ZonedDateTime inAMinute = java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(60);
        String rfc850 = java.time.format.DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", java.util.Locale.ENGLISH).format(inAMinute);
        String asctime = java.time.format.DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", java.util.Locale.ENGLISH).format(inAMinute);

        assertThat(RetryAfter.millis(rfc850)).as(rfc850).isBetween(55_000L, 60_000L);
        assertThat(RetryAfter.millis(asctime)).as(asctime).isBetween(55_000L, 60_000L);
    }

    @Test
    void retryAfterDatesAsRfc9110WritesThem() {
        java.time.Instant minuteBefore = java.time.Instant.parse("1994-11-06T08:48:37Z");

        assertThat(RetryAfter.millis("Sun, 06 Nov 1994 08:49:37 GMT", minuteBefore)).isEqualTo(60_000);
        assertThat(RetryAfter.millis("Sunday, 06-Nov-94 08:49:37 GMT", minuteBefore)).isEqualTo(60_000);
        assertThat(RetryAfter.millis("Sun Nov  6 08:49:37 1994", minuteBefore)).isEqualTo(60_000);
        assertThat(RetryAfter.millis("Sun Nov 6 08:49:37 1994", minuteBefore)).as("one space before the day").isEqualTo(60_000);
        assertThat(RetryAfter.millis("Sun Nov  6 08:47:37 1994", minuteBefore)).as("in the past").isZero();
        assertThat(RetryAfter.millis("Monday, 06-Nov-94 08:49:37 GMT", minuteBefore)).as("the wrong weekday").isZero();
    }
}
