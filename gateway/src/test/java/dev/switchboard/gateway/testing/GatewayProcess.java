package dev.switchboard.gateway.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged gateway (target/quarkus-app, as it ships) run as a process of its own in local mode on a directory of
 * resources, for the tests that need a real process: signals, a small heap, several replicas. Both ports are free
 * loopback ports; the output goes to {@code gateway.log} in the resources directory.
 */
public final class GatewayProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final URI base;
    private final URI management;
    private final Path log;

    private GatewayProcess(Process process, URI base, URI management, Path log) {
        this.process = process;
        this.base = base;
        this.management = management;
        this.log = log;
    }

    /** Starts the gateway on {@code sources} with these JVM options and waits until it is ready (at most a minute). */
    public static GatewayProcess start(Path sources, String... jvmOptions) throws Exception {
        int port = freePort();
        int managementPort = freePort();
        Path log = sources.resolve("gateway.log");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-jar", Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath().toString(),
                "run", "-f", sources.toString(), "-p", Integer.toString(port), "--management-port", Integer.toString(managementPort)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        GatewayProcess gateway = new GatewayProcess(process, URI.create("http://127.0.0.1:" + port),
                URI.create("http://127.0.0.1:" + managementPort), log);
        gateway.awaitReadiness(200, Duration.ofSeconds(60));
        return gateway;
    }

    /** The API's base address, e.g. {@code http://127.0.0.1:PORT}. */
    public URI base() {
        return base;
    }

    /** The management interface's base address (health, metrics, console). */
    public URI management() {
        return management;
    }

    public Process process() {
        return process;
    }

    /** Waits until the readiness check answers {@code status}; fails with the end of the log otherwise. */
    public void awaitReadiness(int status, Duration patience) throws Exception {
        URI ready = management.resolve("/q/health/ready");
        long deadline = System.nanoTime() + patience.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            try {
                last = HTTP.send(HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode();
                if (last == status) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening (yet, or any more)
            }
            Thread.sleep(100);
        }
        throw new AssertionError(ready + " answered " + last + ", not " + status + "; gateway log:\n" + logTail());
    }

    /** Everything the gateway wrote so far. */
    public String output() throws IOException {
        return Files.readString(log);
    }

    /** The last part of the gateway's output, for failure messages. */
    public String logTail() throws IOException {
        String text = output();
        return text.length() > 6000 ? text.substring(text.length() - 6000) : text;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
