package dev.switchboard.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The real gateway, started from the gateway module's build output in its own process, as in a pod: no
 * arguments, serving the routing directory it is given. It binds to 127.0.0.1, and the operator's status
 * port points at its management port, so a Pod in the mock API server with podIP 127.0.0.1 is this process.
 */
public class GatewayProcess implements QuarkusTestResourceLifecycleManager {

    private static volatile Path mount;
    private static volatile int port;
    private static volatile int managementPort;
    private Process process;

    /** The directory kubelet would project the routing ConfigMap into. */
    public static Path mount() {
        return mount;
    }

    public static int port() {
        return port;
    }

    @Override
    public Map<String, String> start() {
        Path jar = Manifests.repoRoot().resolve("gateway/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the end-to-end test needs the packaged gateway "
                    + "(./mvnw -B verify builds it before the operator; or ./mvnw -pl gateway -am package -DskipTests)");
        }
        try {
            mount = Files.createTempDirectory("switchboard-e2e-routing");
            port = freePort();
            managementPort = freePort();
            Path log = Manifests.repoRoot().resolve("operator/target/e2e-gateway.log");
            Files.createDirectories(log.getParent());
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            process = new ProcessBuilder(List.of(java,
                    "-Dswitchboard.routing.dir=" + mount,
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=" + port,
                    "-Dquarkus.management.host=127.0.0.1",
                    "-Dquarkus.management.port=" + managementPort,
                    "-Dswitchboard.reload.poll-interval-ms=200",
                    "-jar", jar.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("switchboard.gateway.status-port", String.valueOf(managementPort));
    }

    @Override
    public void stop() {
        try {
            if (process != null) {
                process.destroy();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
            if (mount != null) {
                try (var paths = Files.walk(mount)) {
                    for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
