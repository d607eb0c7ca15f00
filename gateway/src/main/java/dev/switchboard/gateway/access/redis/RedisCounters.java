package dev.switchboard.gateway.access.redis;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.switchboard.gateway.access.CounterStore;
import dev.switchboard.gateway.access.Quota;
import dev.switchboard.gateway.access.Spend;
import dev.switchboard.gateway.access.Verdict;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Counters in Redis, shared by every replica of the policy: each admission and settlement is one Lua script
 * (EVALSHA, loaded on first use), so N replicas enforce one limit. All calls are pipelined over one connection
 * (Redis runs commands one at a time anyway; a pool would only add connection storms under bursts), which is
 * opened again after it breaks. Calls that take longer than the policy's timeout fail, and the caller decides what
 * that means (FailOpen or FailClosed).
 *
 * A settlement is the exception: it cannot be decided away, because the request it closes holds a concurrency slot
 * here. One that Redis did not confirm is kept and sent again by {@link #retryPending} (the gateway calls it after
 * each answered PING) until Redis confirms it, for at most the lease time, after which the slot has expired anyway.
 * The retry is applied only while the request's lease is held, so a first attempt that ran after all (a timeout
 * whose command still reached Redis) is not counted twice.
 */
public final class RedisCounters implements CounterStore {

    /** A concurrency slot held by a replica that died is freed after this long. */
    static final long LEASE_TTL_MS = 15 * 60_000;
    /** Unconfirmed settlements kept at most; beyond, the oldest are given up (their leases expire on their own). */
    static final int MAX_PENDING = 50_000;
    private static final long DAY_KEY_SECONDS = 3 * 86_400;
    private static final long MONTH_KEY_SECONDS = 40 * 86_400;

    private final Vertx vertx;
    private final Redis client;
    private final AtomicReference<Future<RedisConnection>> connection = new AtomicReference<>();
    private final String prefix;
    private final long timeoutMs;
    private final Queue<Pending> pending = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pendingCount = new AtomicInteger();
    /** Settlements given up since {@link #retryPending} last reported. */
    private final AtomicInteger givenUp = new AtomicInteger();
    private final AtomicBoolean retrying = new AtomicBoolean();

    /** A settlement Redis did not confirm, kept until {@code giveUpAtNanos}, when its lease has expired anyway. */
    private record Pending(Quota quota, String lease, long refund, double cost, long giveUpAtNanos) {
    }

    /** What one {@link #retryPending} round did: settlements Redis confirmed now, and settlements given up. */
    public record Retried(int confirmed, int givenUp) {
    }

    /**
     * The URL never holds credentials (the table forbids them); the password comes from its Secret file. A
     * {@code rediss://} URL is TLS with the server's host name verified, against {@code caCertPem} when given (PEM
     * certificates of the CA that signed the server's certificate), else against the JVM's trust store.
     */
    public RedisCounters(Vertx vertx, String url, String password, String caCertPem, String prefix, long timeoutMs) {
        this.vertx = vertx;
        RedisOptions options = new RedisOptions()
                .setConnectionString(url)
                // Every request in flight may wait for its answer on the one connection.
                .setMaxWaitingHandlers(65_536);
        NetClientOptions net = options.getNetClientOptions().setConnectTimeout((int) Math.max(1, timeoutMs)).setTcpNoDelay(true);
        if (url.startsWith("rediss://")) {
            // Vert.x refuses a TLS connection without a verification algorithm; "HTTPS" checks the name as browsers do.
            net.setSsl(true).setHostnameVerificationAlgorithm("HTTPS");
            if (caCertPem != null) {
                net.setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(caCertPem)));
            }
        }
        if (password != null && !password.isEmpty()) {
            options.setPassword(password);
        }
        this.client = Redis.createClient(vertx, options);
        this.prefix = prefix;
        this.timeoutMs = timeoutMs;
    }

    /** One command on the shared connection, within the store's timeout (the response cache keeps its answers here too). */
    public Future<Response> call(Request request) {
        return withTimeout(send(request));
    }

    /** The prefix of every key of this policy. */
    public String prefix() {
        return prefix;
    }

    public void close() {
        Future<RedisConnection> current = connection.getAndSet(null);
        if (current != null) {
            current.onSuccess(RedisConnection::close);
        }
        client.close();
    }

    /** The shared connection, opened on first use and again after it broke. */
    private Future<RedisConnection> connection() {
        Future<RedisConnection> current = connection.get();
        if (current != null && !current.failed()) {
            return current;
        }
        Promise<RedisConnection> opening = Promise.promise();
        if (!connection.compareAndSet(current, opening.future())) {
            return connection();
        }
        client.connect().onComplete(result -> {
            if (result.succeeded()) {
                RedisConnection opened = result.result();
                Runnable forget = () -> connection.compareAndSet(opening.future(), null);
                opened.exceptionHandler(e -> {
                    forget.run();
                    opened.close();
                });
                opened.endHandler(v -> forget.run());
                opening.complete(opened);
            } else {
                connection.compareAndSet(opening.future(), null);
                opening.fail(result.cause());
            }
        });
        return opening.future();
    }

    private Future<Response> send(Request request) {
        return connection().compose(c -> c.send(request));
    }

    /** Succeeds when Redis answers PING within the timeout. */
    public Future<Void> ping() {
        return withTimeout(send(Request.cmd(Command.PING))).mapEmpty();
    }

    @Override
    public Future<Verdict> acquire(Quota quota, long tokens, String lease) {
        return eval(CounterScripts.ACQUIRE, ACQUIRE_SHA, quota, List.of(
                Integer.toString(quota.requestsPerMinute()), Integer.toString(quota.tokensPerMinute()),
                Integer.toString(quota.maxConcurrency()), Long.toString(tokens), lease, Long.toString(LEASE_TTL_MS),
                plain(quota.perDay()), plain(quota.perMonth())))
                .map(RedisCounters::verdict);
    }

    /** Settles; when Redis does not confirm it, the settlement is also kept for {@link #retryPending}. */
    @Override
    public Future<Spend> settle(Quota quota, String lease, long refund, double cost) {
        return settle(quota, lease, refund, cost, false).onFailure(e -> {
            if (lease != null) {
                keep(new Pending(quota, lease, refund, cost, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LEASE_TTL_MS)));
            }
        });
    }

    private Future<Spend> settle(Quota quota, String lease, long refund, double cost, boolean retry) {
        return eval(CounterScripts.SETTLE, SETTLE_SHA, quota, List.of(
                Integer.toString(quota.tokensPerMinute()), Long.toString(refund), lease == null ? "" : lease, plain(cost),
                Long.toString(DAY_KEY_SECONDS), Long.toString(MONTH_KEY_SECONDS), retry ? "1" : "0"))
                .map(r -> new Spend(number(r.get(0)), number(r.get(1))));
    }

    private void keep(Pending settlement) {
        pending.add(settlement);
        if (pendingCount.incrementAndGet() > MAX_PENDING && pending.poll() != null) {
            pendingCount.decrementAndGet();
            givenUp.incrementAndGet();
        }
    }

    /** Settlements kept for a retry right now. */
    public int pending() {
        return pendingCount.get();
    }

    /**
     * Sends every kept settlement again. Those Redis confirms are done (applied, or found already applied); the
     * others stay for the next round, until their lease has expired. One round at a time.
     */
    public Future<Retried> retryPending() {
        if (pendingCount.get() == 0 || !retrying.compareAndSet(false, true)) {
            return Future.succeededFuture(new Retried(0, givenUp.getAndSet(0)));
        }
        List<Future<Boolean>> sent = new ArrayList<>();
        long now = System.nanoTime();
        for (int n = pendingCount.get(); n > 0; n--) {
            Pending settlement = pending.poll();
            if (settlement == null) {
                break;
            }
            pendingCount.decrementAndGet();
            if (now - settlement.giveUpAtNanos() >= 0) {
                givenUp.incrementAndGet();
                continue;
            }
            sent.add(settle(settlement.quota(), settlement.lease(), settlement.refund(), settlement.cost(), true)
                    .map(spend -> true)
                    .otherwise(e -> {
                        keep(settlement);
                        return false;
                    }));
        }
        return Future.join(new ArrayList<>(sent)).transform(all -> {
            retrying.set(false);
            int confirmed = (int) sent.stream().filter(f -> Boolean.TRUE.equals(f.result())).count();
            return Future.succeededFuture(new Retried(confirmed, givenUp.getAndSet(0)));
        });
    }

    @Override
    public Future<Usage> usage(Quota quota) {
        return eval(CounterScripts.USAGE, USAGE_SHA, quota, List.of(
                Integer.toString(quota.requestsPerMinute()), Integer.toString(quota.tokensPerMinute())))
                .map(r -> new Usage(whole(r.get(0)), whole(r.get(1)), whole(r.get(2)), number(r.get(3)), number(r.get(4))));
    }

    private static final String ACQUIRE_SHA = CounterScripts.sha1(CounterScripts.ACQUIRE);
    private static final String SETTLE_SHA = CounterScripts.sha1(CounterScripts.SETTLE);
    private static final String USAGE_SHA = CounterScripts.sha1(CounterScripts.USAGE);

    private static Verdict verdict(Response r) {
        String result = r.get(0).toString();
        double day = number(r.get(2));
        double month = number(r.get(3));
        if (!"ok".equals(result)) {
            long wait = whole(r.get(1));
            return new Verdict(limit(result), wait, 0, wait, 0, wait, day, month);
        }
        return new Verdict(null, 0, whole(r.get(4)), whole(r.get(5)), Math.max(-1, whole(r.get(6))), whole(r.get(7)), day, month);
    }

    private static Verdict.Limit limit(String label) {
        for (Verdict.Limit limit : Verdict.Limit.values()) {
            if (limit.label.equals(label)) {
                return limit;
            }
        }
        throw new IllegalStateException("unexpected answer from the counter script: " + label);
    }

    /** All keys of a subject share one hash tag, so the scripts also run on Redis Cluster. */
    private List<String> keys(Quota quota) {
        String base = prefix + ":{" + quota.subject() + "}:";
        return List.of(base + "requests", base + "tokens", base + "leases",
                base + "spend:day:" + quota.dayPeriod(), base + "spend:month:" + quota.monthPeriod());
    }

    private Future<Response> eval(String script, String sha, Quota quota, List<String> args) {
        List<String> keys = keys(quota);
        return withTimeout(send(Command.EVALSHA, sha, keys, args).recover(e -> {
            if (e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")) {
                return send(Command.EVAL, script, keys, args);
            }
            return Future.failedFuture(e);
        }));
    }

    private Future<Response> send(Command command, String scriptOrSha, List<String> keys, List<String> args) {
        Request request = Request.cmd(command).arg(scriptOrSha).arg(keys.size());
        keys.forEach(request::arg);
        args.forEach(request::arg);
        return send(request);
    }

    private <T> Future<T> withTimeout(Future<T> call) {
        Promise<T> promise = Promise.promise();
        long timer = vertx.setTimer(timeoutMs, id -> promise.tryFail(new TimeoutException("Redis did not answer within " + timeoutMs + " ms")));
        call.onComplete(result -> {
            vertx.cancelTimer(timer);
            if (result.succeeded()) {
                promise.tryComplete(result.result());
            } else {
                promise.tryFail(result.cause());
            }
        });
        return promise.future();
    }

    private static String plain(double value) {
        return BigDecimal.valueOf(value).toPlainString();
    }

    private static double number(Response value) {
        return value == null ? 0 : Double.parseDouble(value.toString());
    }

    private static long whole(Response value) {
        return (long) Math.floor(number(value));
    }
}
