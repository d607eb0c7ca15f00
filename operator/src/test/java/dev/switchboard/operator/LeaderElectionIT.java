package dev.switchboard.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.operator.testing.Cluster;
import dev.switchboard.operator.testing.Crds;
import dev.switchboard.operator.testing.Manifests;
import dev.switchboard.operator.testing.MockApiServer;
import dev.switchboard.operator.testing.OperatorProcess;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * Leader election between packaged operator processes (prod profile, as shipped) against one mock API server:
 * one replica reconciles, the other waits; a killed leader is replaced once its Lease expires, and what changed
 * meanwhile is reconciled; a leader stopped with SIGTERM exits by itself and releases the Lease, so the standby
 * takes over without waiting for it to expire; a leader that loses its Lease to another holder exits. Lease
 * timings are shortened through the environment, so the whole story takes well under a minute.
 */
class LeaderElectionIT {

    static final String NS = "team-a";
    static final String OPERATOR_NS = "switchboard-system";
    static final String LEASE = "switchboard-operator";
    /** Long enough that the check right after the kill sees the dead leader still named, short enough for CI. */
    static final Duration LEASE_DURATION = Duration.ofSeconds(10);
    static final Map<String, String> TIMINGS = Map.of(
            "SWITCHBOARD_LEADER_ELECTION_LEASE_DURATION", LEASE_DURATION.toSeconds() + "s",
            "SWITCHBOARD_LEADER_ELECTION_RENEW_DEADLINE", "7s",
            "SWITCHBOARD_LEADER_ELECTION_RETRY_PERIOD", "1s");
    static final DateTimeFormatter MICRO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX");
    /** 128 + 15: the JVM's exit status after a SIGTERM once its shutdown hooks have run. */
    static final int EXIT_ON_SIGTERM = 143;
    /** Far longer than a stop takes; the deadlock this guards against never ends. */
    static final Duration STOP_PATIENCE = Duration.ofSeconds(30);

    private final List<OperatorProcess> processes = new ArrayList<>();
    private MockApiServer server;
    private KubernetesClient client;
    private Path work;
    private Path kubeconfig;

    @AfterEach
    void stop() throws Exception {
        for (OperatorProcess process : processes) {
            process.close();
        }
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void oneReplicaReconcilesAndAnotherTakesOverAfterAKillOrAStop() throws Exception {
        server = MockApiServer.start();
        server.grantLeaseAccess();
        client = server.client();
        var cluster = new Cluster(client);
        Crds.install(client);
        cluster.createNamespace(OPERATOR_NS);
        cluster.createNamespace(NS);
        cluster.apply(Manifests.samplesWithoutDiscovery(NS));
        work = Files.createDirectories(Manifests.repoRoot().resolve("operator/target/leader-election-it"));
        kubeconfig = OperatorProcess.kubeconfig(work, server.url(), OPERATOR_NS);

        // One leads, the other waits: only the leader reconciles.
        OperatorProcess a = start("operator-a");
        awaitHolder("operator-a", a);
        OperatorProcess b = start("operator-b");
        awaitAsserted(b, () -> assertThat(b.live()).isTrue());
        editAndAwaitReconciled(cluster, "smart-a", a);
        assertThat(a.reconciles()).as("reconciles of the leader").isPositive();
        assertThat(b.reconciles()).as("reconciles of the standby").isZero();
        assertThat(holder()).isEqualTo("operator-a");

        // SIGKILL: the Lease keeps naming the dead leader until it expires; then the standby takes over and
        // reconciles what changed while nobody led.
        int transitions = lease().getSpec().getLeaseTransitions();
        a.kill();
        assertThat(a.awaitExit(STOP_PATIENCE)).isTrue();
        cluster.mergePatch(ModelGroup.class, NS, "chat-smart", aliases("smart-a", "smart-b"));
        assertThat(holder()).as("the change was made before the standby took over").isEqualTo("operator-a");
        awaitHolder("operator-b", b);
        assertThat(lease().getSpec().getLeaseTransitions()).isEqualTo(transitions + 1);
        awaitRoutingTableContains("smart-b", b);
        assertThat(b.reconciles()).as("reconciles of the new leader").isPositive();

        // SIGTERM: the leader stops by itself and releases the Lease on the way out, so it names nobody (or
        // already the standby) as soon as the process is gone, instead of the stopped leader for a lease duration.
        OperatorProcess c = start("operator-c");
        awaitAsserted(c, () -> assertThat(c.live()).isTrue());
        b.terminate();
        assertThat(b.awaitExit(STOP_PATIENCE)).as("operator-b exits after SIGTERM; log:\n" + b.log()).isTrue();
        assertThat(b.process().exitValue()).isEqualTo(EXIT_ON_SIGTERM);
        assertThat(holder()).as("holder of the Lease once operator-b has exited").isIn("", "operator-c");
        awaitHolder("operator-c", c);
        editAndAwaitReconciled(cluster, "smart-c", c);

        // Another holder took the Lease (as after a renewal that failed for longer than the renew deadline):
        // the replica stops leading and exits with a failure, so it cannot reconcile next to the new leader.
        // A merge patch without resourceVersion: it cannot conflict with the leader's renewals.
        String renewed = MICRO_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
        client.leases().inNamespace(OPERATOR_NS).withName(LEASE).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"spec\":{\"holderIdentity\":\"intruder\",\"renewTime\":\"" + renewed + "\"}}");
        assertThat(c.awaitExit(STOP_PATIENCE)).as("operator-c exits after losing the Lease; log:\n" + c.log()).isTrue();
        assertThat(c.process().exitValue()).isEqualTo(1);
    }

    private OperatorProcess start(String identity) {
        OperatorProcess process = OperatorProcess.start(identity, kubeconfig, work, TIMINGS);
        processes.add(process);
        return process;
    }

    private Lease lease() {
        return client.leases().inNamespace(OPERATOR_NS).withName(LEASE).get();
    }

    private String holder() {
        Lease lease = lease();
        return lease == null || lease.getSpec().getHolderIdentity() == null ? "" : lease.getSpec().getHolderIdentity();
    }

    private void awaitHolder(String identity, OperatorProcess process) {
        awaitAsserted(process, () -> assertThat(holder()).isEqualTo(identity));
    }

    /** Adds an alias to chat-smart and waits for the routing table with it. */
    private void editAndAwaitReconciled(Cluster cluster, String alias, OperatorProcess leader) {
        cluster.mergePatch(ModelGroup.class, NS, "chat-smart", aliases(alias));
        awaitRoutingTableContains(alias, leader);
    }

    private void awaitRoutingTableContains(String alias, OperatorProcess leader) {
        awaitAsserted(leader, () -> {
            ConfigMap table = client.configMaps().inNamespace(NS).withName("default-routing").get();
            assertThat(table).isNotNull();
            assertThat(table.getData().get("routing.json")).contains("\"" + alias + "\"");
        });
    }

    private static String aliases(String... aliases) {
        StringBuilder json = new StringBuilder("{\"spec\":{\"aliases\":[\"gpt-4o\"");
        for (String alias : aliases) {
            json.append(",\"").append(alias).append('"');
        }
        return json.append("]}}").toString();
    }

    /** Waits generously; on failure the log of the process concerned explains. */
    private static void awaitAsserted(OperatorProcess process, Runnable assertion) {
        try {
            await().atMost(Cluster.PATIENCE).pollInterval(Duration.ofMillis(200)).untilAsserted(assertion::run);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\nlog of " + process.identity() + ":\n" + process.log(), e);
        }
    }
}
