package dev.switchboard.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.access.redis.RedisCounters;
import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.gateway.testing.RedisServer;
import dev.switchboard.gateway.testing.TempDirs;
import dev.switchboard.gateway.testing.TestCertificates;
import dev.switchboard.gateway.testing.TestTables;
import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.RoutingTable;
import dev.switchboard.routing.SecretFile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The shared counters over TLS ({@code rediss://}) against real redis-servers that speak TLS only, with
 * certificates made by a CA the test creates: the gateway trusts the CA named by the table's
 * {@code access.redis.caCert}, verifies the server's host name, and refuses servers it cannot verify.
 */
class RedisTlsTest {

    private static final String PASSWORD = "redis-tls-secret-0001";
    private static Path dir;
    private static Vertx vertx;
    private static TestCertificates ca;
    private static RedisServer redis;
    private static RedisServer elsewhere;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("switchboard-redis-tls");
        vertx = Vertx.vertx();
        ca = TestCertificates.authority(dir);
        redis = RedisServer.start(PASSWORD, ca.server("redis-local", "ip:127.0.0.1", "dns:localhost"));
        // Signed by the same CA, but for another host: only host name verification tells it apart.
        elsewhere = RedisServer.start(PASSWORD, ca.server("redis-elsewhere", "dns:redis.elsewhere.test"));
    }

    @AfterAll
    static void stop() throws Exception {
        redis.close();
        elsewhere.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        TempDirs.delete(dir);
    }

    @Test
    void countersAreSharedOverTlsWithTheCaOfTheTable() throws Exception {
        SharedCounters shared = new SharedCounters();
        shared.vertx = vertx;
        shared.metrics = new AccessMetrics();
        shared.metrics.registry = new SimpleMeterRegistry();
        try {
            ActiveTable table = tableWithTlsRedis();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Boolean.TRUE.equals(shared.redisUp(table)) || !shared.choose(table).shared()) {
                assertThat(System.nanoTime()).as("Redis over TLS answers").isLessThan(deadline);
                Thread.sleep(50);
            }
            SharedCounters.Choice choice = shared.choose(table);
            Quota quota = new Quota("c:tls", 2, 0, 0, 0, 0, "-", "-");
            List<Boolean> admitted = List.of(
                    await(choice.store().acquire(quota, 1, "a")).admitted(),
                    await(choice.store().acquire(quota, 1, "b")).admitted(),
                    await(choice.store().acquire(quota, 1, "c")).admitted());

            assertThat(admitted).as("two requests a minute, counted in Redis").containsExactly(true, true, false);
        } finally {
            shared.stop();
        }
    }

    @Test
    void aServerCertificateForAnotherHostIsRefused() {
        RedisCounters counters = new RedisCounters(vertx, "rediss://127.0.0.1:" + elsewhere.port() + "/0", PASSWORD,
                pem(ca.caPem()), "tls", 5000);
        try {
            assertThat(failureOf(counters.ping())).hasRootCauseInstanceOf(java.security.cert.CertificateException.class)
                    .rootCause().hasMessageContaining("127.0.0.1");
        } finally {
            counters.close();
        }
    }

    @Test
    void withoutTheCaTheServerIsNotTrusted() {
        RedisCounters counters = new RedisCounters(vertx, "rediss://127.0.0.1:" + redis.port() + "/0", PASSWORD, null, "tls", 5000);
        try {
            assertThat(failureOf(counters.ping())).isInstanceOf(SSLHandshakeException.class);
        } finally {
            counters.close();
        }
    }

    /** A table whose Redis is the TLS server, with the password and CA certificate as secret files. */
    private static ActiveTable tableWithTlsRedis() throws Exception {
        SecretFile password = new SecretFile("redis-auth", "password", dir.resolve("password").toString());
        SecretFile caCert = new SecretFile("redis-ca", "ca.crt", ca.caPem().toString());
        AccessRules access = new AccessRules(AccessRules.OPEN, List.of(), null,
                new AccessRules.RedisStore("rediss://127.0.0.1:" + redis.port() + "/0", password, AccessRules.FAIL_OPEN, "tls", 5000, caCert));
        RoutingTable table = new RoutingTable(RoutingTable.SCHEMA_VERSION, new RoutingTable.Source("test", "tls"), TestTables.settings(),
                access, List.of(TestTables.simulated("sim")), List.of(TestTables.route("chat", "Weighted", TestTables.target("sim", "m"))));
        assertThat(table.validate()).isEmpty();
        return new ActiveTable(table, "hash", Instant.now(), Map.of(password.path(), PASSWORD, caCert.path(), pem(ca.caPem())));
    }

    private static String pem(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    /** The cause the future failed with (within 20 s). */
    private static Throwable failureOf(Future<?> future) {
        try {
            future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("no answer either way", e);
        }
        throw new AssertionError("the connection was accepted");
    }
}
