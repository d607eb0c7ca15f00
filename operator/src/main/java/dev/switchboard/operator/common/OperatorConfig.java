package dev.switchboard.operator.common;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The operator's own settings (prefix {@code switchboard}); every one can be overridden by environment variable. */
@ConfigMapping(prefix = "switchboard")
public interface OperatorConfig {

    Gateway gateway();

    Discovery discovery();

    LeaderElection leaderElection();

    Identity identity();

    interface Gateway {
        /** Image of gateway pods when a RoutingPolicy does not name one. */
        @WithDefault("switchboard/gateway:0.1.0")
        String image();

        /** Port on which gateway pods serve /q/switchboard/config; tests point it at a local process. */
        @WithDefault("8080")
        int statusPort();

        /** How long one config-hash probe of one pod may take. */
        @WithDefault("2s")
        Duration statusTimeout();

        /** How soon a policy whose config is not yet programmed everywhere is checked again. */
        @WithDefault("5s")
        Duration programmedRecheck();
    }

    interface Discovery {
        /** Time allowed for one upstream model listing. */
        @WithDefault("10s")
        Duration timeout();
    }

    interface Identity {
        /**
         * How often the cluster's ServiceAccount issuer (its discovery document and public keys) is read again, for
         * policies with an issuer of type Kubernetes; a changed key set is published to their gateways.
         */
        @WithDefault("60s")
        Duration clusterKeysRefresh();
    }

    interface LeaderElection {
        /** Name of the Lease in the operator's namespace that replicas compete for. */
        @WithDefault("switchboard-operator")
        String leaseName();
    }
}
