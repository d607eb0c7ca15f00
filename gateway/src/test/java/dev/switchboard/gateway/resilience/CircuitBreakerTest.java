package dev.switchboard.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.resilience.CircuitBreaker.State;
import dev.switchboard.routing.PolicySettings;

/** The breaker's state machine, on a clock the test moves. */
class CircuitBreakerTest {

    private final AtomicLong now = new AtomicLong(1_000_000);

    private CircuitBreaker breaker(int consecutive, Double rate, int probes) {
        return new CircuitBreaker(new PolicySettings.CircuitBreaker(consecutive, rate, 10_000, 5_000, probes), now::get);
    }

    private static void fail(CircuitBreaker breaker, int times) {
        for (int i = 0; i < times; i++) {
            assertThat(breaker.tryAcquire()).isTrue();
            breaker.recordFailure();
        }
    }

    @Test
    void opensAfterConsecutiveFailuresAndASuccessResetsTheCount() {
        CircuitBreaker breaker = breaker(3, null, 1);

        fail(breaker, 2);
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.recordSuccess();
        fail(breaker, 2);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);

        fail(breaker, 1);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.tryAcquire()).isFalse();
        assertThat(breaker.available()).isFalse();
        assertThat(breaker.millisUntilProbe()).isEqualTo(5_000);
    }

    @Test
    void opensOnTheFailureRateOverTheWindowOnceThereAreEnoughCalls() {
        CircuitBreaker breaker = breaker(100, 0.5, 1);

        // Alternating: never two failures in a row, but half of all calls fail.
        for (int i = 0; i < CircuitBreaker.MIN_CALLS_FOR_RATE - 2; i++) {
            assertThat(breaker.tryAcquire()).isTrue();
            if (i % 2 == 0) {
                breaker.recordFailure();
            } else {
                breaker.recordSuccess();
            }
        }
        assertThat(breaker.state()).as("too few calls to judge a rate").isEqualTo(State.CLOSED);
        breaker.tryAcquire();
        breaker.recordSuccess();
        breaker.tryAcquire();
        breaker.recordFailure();
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    @Test
    void oldFailuresLeaveTheWindow() {
        CircuitBreaker breaker = breaker(100, 0.5, 1);
        for (int i = 0; i < 9; i++) {
            breaker.tryAcquire();
            breaker.recordFailure();
        }
        now.addAndGet(20_000);
        for (int i = 0; i < 9; i++) {
            breaker.tryAcquire();
            breaker.recordSuccess();
        }
        breaker.tryAcquire();
        breaker.recordFailure();

        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void halfOpenAfterTheOpenPeriodThenClosesAfterEnoughProbeSuccesses() {
        CircuitBreaker breaker = breaker(1, null, 2);
        fail(breaker, 1);
        now.addAndGet(4_999);
        assertThat(breaker.state()).isEqualTo(State.OPEN);

        now.addAndGet(1);
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.tryAcquire()).as("only halfOpenProbes calls at once").isFalse();
        assertThat(breaker.available()).isFalse();

        breaker.recordSuccess();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        breaker.recordSuccess();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void aFailedProbeOpensTheBreakerForAnotherPeriod() {
        CircuitBreaker breaker = breaker(1, null, 1);
        fail(breaker, 1);
        now.addAndGet(5_000);

        assertThat(breaker.tryAcquire()).isTrue();
        breaker.recordFailure();

        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.millisUntilProbe()).isEqualTo(5_000);
        now.addAndGet(5_000);
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    }

    @Test
    void aProbeGivenBackWithoutVerdictFreesItsPermit() {
        CircuitBreaker breaker = breaker(1, null, 1);
        fail(breaker, 1);
        now.addAndGet(5_000);

        assertThat(breaker.tryAcquire()).isTrue();
        assertThat(breaker.tryAcquire()).isFalse();
        breaker.release();
        assertThat(breaker.tryAcquire()).isTrue();
        breaker.recordSuccess();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }
}
