package dev.switchboard.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.routing.PolicySettings;

class OutcomeTest {

    /** Anthropic's providers answer 529 when overloaded: another target may serve, and the target is to blame. */
    @Test
    void anthropicsOverloadIsARetryableServerError() {
        Outcome outcome = Outcome.ofStatus(529);

        assertThat(outcome).isEqualTo(Outcome.SERVER_ERROR);
        assertThat(outcome.targetFailure()).isTrue();
        assertThat(new RetryPolicy(0, 10, 50, PolicySettings.RETRY_CONDITIONS).covers(outcome)).isTrue();
        assertThat(new RetryPolicy(0, 10, 50, List.of("RateLimited")).covers(outcome)).isFalse();
    }
}
