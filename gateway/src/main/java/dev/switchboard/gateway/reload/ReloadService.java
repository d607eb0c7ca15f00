package dev.switchboard.gateway.reload;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.switchboard.gateway.access.AccessMetrics;
import dev.switchboard.gateway.access.identity.KeySources;
import dev.switchboard.gateway.console.ReloadHistory;
import dev.switchboard.gateway.local.LocalWorkspace;
import dev.switchboard.gateway.table.RoutingState;
import dev.switchboard.gateway.telemetry.GatewayMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Keeps the served table in step with the routing directory. A dedicated thread does the blocking file work,
 * woken by WatchService events and, as a safety net, by a periodic poll; it compares content fingerprints, so
 * kubelet's `..data` symlink swaps, plain writes and rotated secret files are all seen the same way.
 * A new table is swapped in atomically; requests in flight keep the one they started with. An invalid file is
 * logged and counted, and the last good table keeps serving.
 */
@ApplicationScoped
public class ReloadService {

    private static final Logger LOG = Logger.getLogger(ReloadService.class);
    private static final int MAX_SETTLE_ROUNDS = 20;

    @Inject
    RoutingState state;
    @Inject
    GatewayMetrics metrics;
    @Inject
    AccessMetrics accessMetrics;
    @Inject
    KeySources keySources;
    @Inject
    ReloadHistory history;

    /** In cluster mode the operator mounts the routing ConfigMap here. */
    @ConfigProperty(name = "switchboard.routing.dir")
    Path clusterRoutingDir;

    /** Set by `switchboard run -f DIR`: serve the CR YAML files of DIR instead of a mounted table. */
    @ConfigProperty(name = "switchboard.local.dir")
    Optional<Path> localDir;

    @ConfigProperty(name = "switchboard.reload.poll-interval-ms", defaultValue = "1000")
    long pollIntervalMs;

    /** Writers are not atomic (editors, ConfigMap copies); content must hold still this long before it is read. */
    @ConfigProperty(name = "switchboard.reload.settle-ms", defaultValue = "50")
    long settleMs;

    private volatile boolean running;
    private Thread worker;
    private WatchService watcher;
    private final Set<Path> watchedDirs = new HashSet<>();
    private DirectorySnapshot lastSeen;
    private LocalWorkspace local;
    private Path routingDir;

    void start(@Observes StartupEvent event) throws IOException, InterruptedException {
        watcher = FileSystems.getDefault().newWatchService();
        if (localDir.isPresent()) {
            local = LocalWorkspace.create(localDir.get());
            routingDir = local.routingDir();
            LOG.infof("Local mode: serving the resources in %s", local.sourceDir());
            syncLocal();
        } else {
            routingDir = clusterRoutingDir;
        }
        LOG.infof("Watching %s for the routing table", routingDir);
        // Loading once during startup makes a pod with a valid table ready as soon as startup completes.
        checkOnce();
        running = true;
        worker = new Thread(this::run, "switchboard-reload");
        worker.setDaemon(true);
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running = false;
        if (worker != null) {
            worker.interrupt();
        }
        try {
            watcher.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing the watch service failed", e);
        }
        if (local != null && worker != null) {
            try {
                // The worker may be mid-compile; let it finish before its output (secrets included) is removed.
                worker.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (local != null) {
            local.delete();
        }
    }

    private void run() {
        while (running) {
            try {
                waitForChange();
                syncLocal();
                checkOnce();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("Routing table check failed; retrying", e);
                sleepQuietly(pollIntervalMs);
            }
        }
    }

    private void syncLocal() throws InterruptedException {
        if (local == null) {
            return;
        }
        try {
            if (!local.sync(settleMs, MAX_SETTLE_ROUNDS)) {
                metrics.reload(false);
                history.rejected(local.lastProblems());
            }
        } catch (IOException e) {
            metrics.reload(false);
            history.rejected(java.util.List.of("cannot compile " + local.sourceDir() + ": " + e.getMessage()));
            LOG.errorf("Cannot compile %s: %s", local.sourceDir(), e.getMessage());
        }
    }

    void checkOnce() throws InterruptedException {
        Path dir = routingDir;
        DirectorySnapshot snapshot = DirectorySnapshot.read(dir);
        if (snapshot.sameAs(lastSeen)) {
            return;
        }
        for (int round = 0; round < MAX_SETTLE_ROUNDS; round++) {
            Thread.sleep(settleMs);
            DirectorySnapshot again = DirectorySnapshot.read(dir);
            if (again.sameAs(snapshot)) {
                break;
            }
            snapshot = again;
        }
        lastSeen = snapshot;
        watchSecretDirs(snapshot);
        if (!snapshot.present()) {
            if (state.current() == null) {
                LOG.infof("No %s in %s yet; not ready until one arrives", DirectorySnapshot.ROUTING_FILE, dir);
            } else {
                LOG.warnf("%s disappeared from %s; still serving table %s", DirectorySnapshot.ROUTING_FILE, dir, state.current().hash());
            }
            return;
        }
        TableLoader.Result result = TableLoader.load(snapshot);
        if (!result.ok()) {
            metrics.reload(false);
            history.rejected(result.errors());
            LOG.errorf("Rejected routing table in %s, still serving %s: %s", dir,
                    state.current() == null ? "nothing" : state.current().hash(), String.join("; ", result.errors()));
            return;
        }
        result.warnings().forEach(w -> LOG.warn(w));
        // Counted before the table serves, so whoever sees the table also sees what it left out.
        metrics.secretValuesRefused(result.refusedSecrets());
        state.activate(result.table());
        metrics.reload(true);
        history.accepted(result.table().hash(), result.warnings());
        metrics.configLoaded(result.table().hash());
        accessMetrics.clientsLoaded(result.table().table().access());
        keySources.serve(result.table().table());
        LOG.infof("Serving routing table %s (%d models, %d providers)", result.table().hash(),
                result.table().table().models().size(), result.table().table().providers().size());
    }

    private void waitForChange() throws InterruptedException {
        watch(routingDir);
        if (local != null) {
            local.sourceDirs().forEach(this::watch);
        }
        WatchKey key = watcher.poll(pollIntervalMs, TimeUnit.MILLISECONDS);
        while (key != null) {
            key.pollEvents();
            if (!key.reset()) {
                // The directory went away (e.g. remounted); register it again on the next round.
                watchedDirs.remove((Path) key.watchable());
            }
            key = watcher.poll();
        }
    }

    private void watchSecretDirs(DirectorySnapshot snapshot) {
        snapshot.secrets().keySet().forEach(path -> {
            Path parent = Path.of(path).getParent();
            if (parent != null) {
                watch(parent);
            }
        });
    }

    private void watch(Path dir) {
        if (watchedDirs.contains(dir) || !Files.isDirectory(dir)) {
            return;
        }
        try {
            dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
            watchedDirs.add(dir);
        } catch (IOException e) {
            // Polling still covers this directory.
            LOG.debugf("cannot watch %s: %s", dir, e.getMessage());
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
