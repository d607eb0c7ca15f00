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
            CircuitBreaker.Permit permit = breaker.tryAcquire();
            assertThat(permit).isNotNull();
            permit.failure();
        }
    }

    @Test
    void opensAfterConsecutiveFailuresAndASuccessResetsTheCount() {
        CircuitBreaker breaker = breaker(3, null, 1);

        fail(breaker, 2);
        breaker.tryAcquire().success();
        fail(breaker, 2);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);

        fail(breaker, 1);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.tryAcquire()).isNull();
        assertThat(breaker.available()).isFalse();
        assertThat(breaker.millisUntilProbe()).isEqualTo(5_000);
    }

    @Test
    void opensOnTheFailureRateOverTheWindowOnceThereAreEnoughCalls() {
        CircuitBreaker breaker = breaker(100, 0.5, 1);

        // Alternating: never two failures in a row, but half of all calls fail.
        for (int i = 0; i < CircuitBreaker.MIN_CALLS_FOR_RATE - 2; i++) {
            CircuitBreaker.Permit permit = breaker.tryAcquire();
            if (i % 2 == 0) {
                permit.failure();
            } else {
                permit.success();
            }
        }
        assertThat(breaker.state()).as("too few calls to judge a rate").isEqualTo(State.CLOSED);
        breaker.tryAcquire().success();
        breaker.tryAcquire().failure();
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    @Test
    void oldFailuresLeaveTheWindow() {
        CircuitBreaker breaker = breaker(100, 0.5, 1);
        for (int i = 0; i < 9; i++) {
            breaker.tryAcquire().failure();
        }
        now.addAndGet(20_000);
        for (int i = 0; i < 9; i++) {
            breaker.tryAcquire().success();
        }
        breaker.tryAcquire().failure();

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
        CircuitBreaker.Permit first = breaker.tryAcquire();
        CircuitBreaker.Permit second = breaker.tryAcquire();
        assertThat(first).isNotNull();
        assertThat(second).isNotNull();
        assertThat(breaker.tryAcquire()).as("only halfOpenProbes calls at once").isNull();
        assertThat(breaker.available()).isFalse();

        first.success();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        second.success();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.tryAcquire()).isNotNull();
    }

    @Test
    void aFailedProbeOpensTheBreakerForAnotherPeriod() {
        CircuitBreaker breaker = breaker(1, null, 1);
        fail(breaker, 1);
        now.addAndGet(5_000);

        breaker.tryAcquire().failure();

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

        CircuitBreaker.Permit probe = breaker.tryAcquire();
        assertThat(breaker.tryAcquire()).isNull();
        probe.release();
        breaker.tryAcquire().success();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void aCallAdmittedWhileClosedThatEndsHalfOpenIsNeitherAProbeNorFreesOne() {
        CircuitBreaker breaker = breaker(1, null, 1);
        CircuitBreaker.Permit longCall = breaker.tryAcquire();
        CircuitBreaker.Permit releasedCall = breaker.tryAcquire();
        fail(breaker, 1);
        now.addAndGet(5_000);
        CircuitBreaker.Permit probe = breaker.tryAcquire();
        assertThat(probe).isNotNull();

        longCall.success();
        assertThat(breaker.state()).as("a success from before the breaker opened is no probe success").isEqualTo(State.HALF_OPEN);
        releasedCall.release();
        assertThat(breaker.tryAcquire()).as("the probe's slot is still taken").isNull();

        probe.success();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void aFailureOfACallAdmittedWhileClosedDoesNotReopenAHalfOpenBreaker() {
        CircuitBreaker breaker = breaker(1, null, 1);
        CircuitBreaker.Permit longCall = breaker.tryAcquire();
        fail(breaker, 1);
        now.addAndGet(5_000);
        CircuitBreaker.Permit probe = breaker.tryAcquire();

        longCall.failure();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        probe.success();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void aPermitIsAnsweredOnce() {
        CircuitBreaker breaker = breaker(2, null, 1);
        CircuitBreaker.Permit permit = breaker.tryAcquire();
        permit.failure();
        permit.failure();

        assertThat(breaker.consecutiveFailures()).isEqualTo(1);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }
}
