package dev.switchboard.operator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged operator (target/quarkus-app, prod profile as shipped) as a process of its own, configured through
 * its environment only, as a Deployment configures it: a kubeconfig naming the API server and the namespace, the
 * host name (in a pod, the pod's name), which names the replica in the Lease, and whatever else the test sets.
 */
public final class OperatorProcess implements AutoCloseable {

    static final Path JAR = Manifests.repoRoot().resolve("operator/target/quarkus-app/quarkus-run.jar");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{[^}]*})? (\\S+)", Pattern.MULTILINE);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String identity;
    private final Process process;
    private final Path log;
    private final int port;

    private OperatorProcess(String identity, Process process, Path log, int port) {
        this.identity = identity;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    public static OperatorProcess start(String identity, Path kubeconfig, Path logDirectory, Map<String, String> environment) {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR + " does not exist: run the package phase first");
        }
        int port = freePort();
        Path log = logDirectory.resolve(identity + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", JAR.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        // Nothing of the test machine's cluster access or configuration leaks in.
        env.keySet().removeIf(name -> name.startsWith("KUBERNETES_") || name.startsWith("QUARKUS_") || name.startsWith("SWITCHBOARD_"));
        env.put("KUBECONFIG", kubeconfig.toString());
        env.put("HOSTNAME", identity);
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.putAll(environment);
        try {
            return new OperatorProcess(identity, builder.start(), log, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A kubeconfig for the mock API server whose context namespace (where the Lease lives) is the given one. */
    public static Path kubeconfig(Path directory, String server, String namespace) {
        Path file = directory.resolve("kubeconfig");
        try {
            Files.writeString(file, """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: mock
                      cluster: {server: "%s"}
                    users:
                    - name: operator
                      user: {token: not-checked}
                    contexts:
                    - name: mock
                      context: {cluster: mock, user: operator, namespace: %s}
                    current-context: mock
                    """.formatted(server, namespace));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    public String identity() {
        return identity;
    }

    public Process process() {
        return process;
    }

    /** 200 from /q/health/live: the application has started (the election runs from then on). */
    public boolean live() {
        return status("/q/health/live") == 200;
    }

    /** Reconciles this replica has run, all controllers together (the reconcile timer's count). */
    public double reconciles() {
        return metric("operator_sdk_controllers_execution_reconcile_seconds_count");
    }

    /** Sum of every sample of a metric on /q/metrics; 0 when it has none (yet). */
    public double metric(String name) {
        String text = get("/q/metrics");
        double sum = 0;
        Matcher sample = SAMPLE.matcher(text);
        while (sample.find()) {
            if (sample.group(1).equals(name)) {
                sum += Double.parseDouble(sample.group(2));
            }
        }
        return sum;
    }

    /** SIGTERM, as the kubelet stops a container. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL: a crash, or the kubelet giving up on a container. */
    public void kill() {
        process.destroyForcibly();
    }

    public boolean awaitExit(Duration patience) throws InterruptedException {
        return process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS);
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private int status(String path) {
        try {
            return HTTP.send(request(path), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private String get(String path) {
        try {
            HttpResponse<String> response = HTTP.send(request(path), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(identity + path + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
