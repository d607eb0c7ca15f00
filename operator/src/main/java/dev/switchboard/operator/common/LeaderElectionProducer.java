package dev.switchboard.operator.common;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.quarkus.arc.Unremovable;

/**
 * Lets several operator replicas run with one active: the operator extension looks this bean up in the
 * profiles listed by quarkus.operator-sdk.activate-leader-election-for-profiles (prod by default). The
 * lease lives in the operator's own namespace. JOSDK must not exit by itself when leading stops:
 * {@link Leadership} decides between releasing the Lease (shutdown) and exiting (lease lost).
 */
public class LeaderElectionProducer {

    @Produces
    @Singleton
    @Unremovable
    LeaderElectionConfiguration leaderElection(OperatorConfig config, Leadership leadership) {
        OperatorConfig.LeaderElection settings = config.leaderElection();
        return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(settings.leaseName())
                .withLeaseNamespace(leadership.namespace())
                .withIdentity(leadership.identity())
                .withLeaseDuration(settings.leaseDuration())
                .withRenewDeadline(settings.renewDeadline())
                .withRetryPeriod(settings.retryPeriod())
                .withLeaderCallbacks(leadership.callbacks())
                .withExitOnStopLeading(false)
                .build();
    }
}
