package dev.switchboard.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server (the Debian package, installed by .ci/redis.sh when missing) as a child process on a free
 * port of 127.0.0.1, without persistence. {@link #stop} kills it (to test "Redis down"), {@link #start} brings it
 * back on the same port, empty; one made by {@link #startPersistent} comes back with every write it confirmed (an
 * append-only file synced on each write), as a restarted production Redis does. The JVM's exit kills it too.
 */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final String password;
    /** Where the append-only file lives; null for a server without persistence. */
    private final Path dataDir;
    private Process process;

    private RedisServer(int port, String password, Path dataDir) {
        this.port = port;
        this.password = password;
        this.dataDir = dataDir;
    }

    /** Starts a server; with a password, clients must AUTH. */
    public static RedisServer start(String password) {
        ensureInstalled();
        RedisServer server = new RedisServer(freePort(), password, null);
        server.start();
        return server;
    }

    /** Starts a server that keeps its data across {@link #stop} and {@link #start}. */
    public static RedisServer startPersistent(String password) {
        ensureInstalled();
        try {
            RedisServer server = new RedisServer(freePort(), password, Files.createTempDirectory("redis-test-data"));
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String endpoint() {
        return "127.0.0.1:" + port;
    }

    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = new java.util.ArrayList<>(List.of("redis-server", "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--protected-mode", "no"));
        if (dataDir != null) {
            command.addAll(List.of("--dir", dataDir.toString(), "--appendonly", "yes", "--appendfsync", "always"));
        } else {
            command.addAll(List.of("--appendonly", "no"));
        }
        if (password != null) {
            command.addAll(List.of("--requirepass", password));
        }
        try {
            Path log = Files.createTempFile("redis-test", ".log");
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!accepting()) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("redis-server did not start: " + Files.readString(log));
                }
                Thread.sleep(20);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Kills the server at once, as a crash or a network partition would look to the gateway. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Freezes the server (SIGSTOP): connections stay open, commands sent meanwhile wait unanswered, as in a long pause. */
    public synchronized void pause() {
        signal("-STOP");
    }

    /** Lets a paused server go on (SIGCONT): it then runs, in order, every command that waited. */
    public synchronized void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(20, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " failed for redis-server");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stop();
        if (dataDir != null) {
            try {
                TempDirs.delete(dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private boolean accepting() {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void ensureInstalled() {
        try {
            Path script = Path.of(System.getProperty("switchboard.repo.root", "..")).resolve(".ci/redis.sh");
            Process install = new ProcessBuilder("bash", script.toString()).inheritIO().start();
            if (!install.waitFor(10, TimeUnit.MINUTES) || install.exitValue() != 0) {
                throw new IllegalStateException("redis-server is not installed and .ci/redis.sh could not install it");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
