package dev.switchboard.operator.common;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Decides what the end of leading means, in place of JOSDK's {@code exitOnStopLeading}, which calls
 * {@code System.exit} from the leader elector's stop callback. On SIGTERM that callback runs inside the JVM's
 * shutdown hook ({@code Operator.stop} cancels the election last), where {@code System.exit} blocks forever:
 * the pod hung until the kubelet killed it, and the Lease kept naming it for a whole lease duration.
 * <ul>
 * <li>While the application shuts down, the callback comes after the controllers and their executors have
 * stopped, so no reconcile of ours runs any more: the Lease is released (holder cleared, as Fabric8's
 * {@code releaseOnCancel} does, which JOSDK keeps off), and a standby takes over at its next retry.</li>
 * <li>At any other time the lease was lost (renewal failed past the renew deadline, or another replica holds
 * it): the process exits with status 1, so that it never reconciles next to the new leader, and the kubelet
 * restarts it as a standby.</li>
 * </ul>
 */
@Singleton
public class Leadership {

    private static final Logger LOG = Logger.getLogger(Leadership.class);
    /** Exit status when the lease is lost while running, so the container counts as failed and restarts. */
    static final int LOST_LEASE_EXIT = 1;

    private final KubernetesClient client;
    private final OperatorConfig.LeaderElection settings;
    private final String identity;
    private final String namespace;
    private final AtomicBoolean shuttingDown = new AtomicBoolean();

    public Leadership(KubernetesClient client, OperatorConfig config) {
        this.client = client;
        this.settings = config.leaderElection();
        this.identity = settings.identity().filter(id -> !id.isBlank())
                .or(() -> Optional.ofNullable(System.getenv("HOSTNAME")).filter(id -> !id.isBlank()))
                .orElseGet(() -> UUID.randomUUID().toString());
        // Where JOSDK puts the Lease when none is configured: the client's namespace (in a pod, the operator's own).
        this.namespace = client.getConfiguration().getNamespace();
    }

    public String identity() {
        return identity;
    }

    public String namespace() {
        return namespace;
    }

    public LeaderCallbacks callbacks() {
        return new LeaderCallbacks(
                () -> LOG.infof("%s leads: holds Lease %s/%s", identity, namespace, settings.leaseName()),
                this::stoppedLeading,
                leader -> {
                    // JOSDK logs every new leader.
                });
    }

    /** Runs before the operator extension's own shutdown observer, which stops the operator (default priority). */
    void onShutdown(@Observes @Priority(Interceptor.Priority.APPLICATION) ShutdownEvent event) {
        shuttingDown.set(true);
    }

    void stoppedLeading() {
        if (shuttingDown.get()) {
            release();
            return;
        }
        LOG.errorf("%s lost Lease %s/%s; exiting so that only the new leader reconciles", identity, namespace, settings.leaseName());
        // Not System.exit: this runs on the elector's executor, which the shutdown that exit starts waits for.
        Quarkus.asyncExit(LOST_LEASE_EXIT);
    }

    private void release() {
        var lock = new LeaseLock(namespace, settings.leaseName(), identity);
        var config = new LeaderElectionConfig(lock, settings.leaseDuration(), settings.renewDeadline(), settings.retryPeriod(),
                new LeaderCallbacks(() -> {
                }, () -> {
                }, leader -> {
                }), true, settings.leaseName());
        try {
            if (new LeaderElector(client, config, Runnable::run).release()) {
                LOG.infof("%s released Lease %s/%s", identity, namespace, settings.leaseName());
            }
        } catch (KubernetesClientException e) {
            // The standby then takes over when the lease expires, as after a crash.
            LOG.warnf("%s could not release Lease %s/%s: %s", identity, namespace, settings.leaseName(), e.getMessage());
        }
    }
}
