package dev.switchboard.operator.common;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.arc.Unremovable;

/**
 * Lets several operator replicas run with one active: the operator extension looks this bean up in the
 * profiles listed by quarkus.operator-sdk.activate-leader-election-for-profiles (prod by default). The
 * lease lives in the operator's own namespace.
 */
public class LeaderElectionProducer {

    @Produces
    @Singleton
    @Unremovable
    LeaderElectionConfiguration leaderElection(OperatorConfig config) {
        return new LeaderElectionConfiguration(config.leaderElection().leaseName());
    }
}
