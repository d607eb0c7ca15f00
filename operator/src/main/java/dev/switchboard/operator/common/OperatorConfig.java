package dev.switchboard.operator.common;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

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

        /**
         * Whether a RoutingPolicy may name its own gateway image (spec.gateway.image). Off by default: the pods mount
         * the policy's Secrets, so whoever picks their image can read them.
         */
        @WithDefault("false")
        boolean allowImageOverride();

        /**
         * Port on which gateway pods serve /q/switchboard/config: their management port, where health and metrics are
         * too; tests point it at a local process.
         */
        @WithDefault("9000")
        int statusPort();

        /** How long one config-hash probe of one pod may take. */
        @WithDefault("2s")
        Duration statusTimeout();

        /** How soon a policy whose config is not yet programmed everywhere is checked again. */
        @WithDefault("5s")
        Duration programmedRecheck();

        /** Who the NetworkPolicy of every gateway admits, besides the operator itself on the management port. */
        NetworkPolicy networkPolicy();
    }

    interface NetworkPolicy {
        /** Namespaces whose pods may call the gateway's API port; unset: every pod and address (the Service's clients). */
        Optional<List<String>> clientNamespaces();

        /** Namespaces whose pods may scrape the gateway's management port (metrics, health): where Prometheus runs. */
        @WithDefault("monitoring")
        List<String> monitoringNamespaces();
    }

    interface Discovery {
        /** Time allowed for one upstream model listing, connect and whole answer included. */
        @WithDefault("10s")
        Duration timeout();

        /** Largest model-list answer read; a longer one fails the listing (a tenant chooses the server). */
        @WithDefault("4194304")
        int maxResponseBytes();
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

        /** This replica's name in the Lease; unset: the HOSTNAME (in a pod, the pod's name), else a random one. */
        Optional<String> identity();

        /** How long a Lease that is no longer renewed keeps the others waiting (the failover time after a crash). */
        @WithDefault("15s")
        Duration leaseDuration();

        /** How long the leader keeps trying to renew before it gives up leading (and exits). */
        @WithDefault("10s")
        Duration renewDeadline();

        /** Interval between attempts to acquire or renew the Lease. */
        @WithDefault("2s")
        Duration retryPeriod();
    }
}
