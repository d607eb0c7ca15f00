package dev.switchboard.gateway.access;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

import org.jboss.logging.Logger;

import dev.switchboard.gateway.access.redis.RedisCounters;
import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.AccessRules.RedisStore;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Chooses the counter store for a table: Redis when the table names one and it answers, this replica's memory
 * otherwise. The Redis client follows the table (created on first use, replaced when the endpoint, password, CA
 * certificate or prefix change, closed when Redis is removed). A background PING every second keeps
 * {@code switchboard_redis_up} and readiness current even without traffic, brings Redis back into use after an
 * outage, and sends again the settlements Redis did not confirm during it.
 */
@Singleton
public class SharedCounters {

    private static final Logger LOG = Logger.getLogger(SharedCounters.class);
    static final long PING_INTERVAL_MS = 1000;

    @Inject
    Vertx vertx;
    @Inject
    AccessMetrics metrics;

    private final LocalCounters local = new LocalCounters();
    private final AtomicReference<Remote> remote = new AtomicReference<>();

    /** What the store for a table turned out to be: a store, or none (Redis down and the policy fails closed). */
    public record Choice(CounterStore store, boolean shared, boolean closed) {
    }

    /** The settings one Redis client was built from; the password is compared, never printed. */
    private record Settings(String url, String password, String caCert, String prefix, long timeoutMs) {
        @Override
        public String toString() {
            return "Settings[url=" + url + ", prefix=" + prefix + "]";
        }
    }

    private final class Remote {
        final Settings settings;
        /** The last table checked against these settings: the same table needs no second look. */
        volatile ActiveTable checked;
        final RedisCounters counters;
        final long timer;
        volatile boolean up = true;

        Remote(Settings settings) {
            this.settings = settings;
            this.counters = new RedisCounters(vertx, settings.url(), settings.password(), settings.caCert(), settings.prefix(),
                    settings.timeoutMs());
            this.timer = vertx.setPeriodic(0, PING_INTERVAL_MS, id -> counters.ping().onComplete(r -> {
                mark(r.succeeded(), r.cause());
                if (r.succeeded()) {
                    retrySettlements();
                }
            }));
        }

        void retrySettlements() {
            counters.retryPending().onSuccess(retried -> {
                metrics.settlements("retried", retried.confirmed());
                metrics.settlements("abandoned", retried.givenUp());
            });
        }

        void mark(boolean reachable, Throwable cause) {
            if (up != reachable) {
                if (reachable) {
                    LOG.infof("Redis at %s answers again; limits are shared across replicas", settings.url());
                } else {
                    LOG.warnf("Redis at %s is unreachable (%s)", settings.url(), cause == null ? "no answer" : cause.getMessage());
                }
            }
            up = reachable;
            metrics.redisUp(reachable);
        }

        void close() {
            vertx.cancelTimer(timer);
            // Settlements still unconfirmed belong to a Redis this table no longer uses.
            metrics.settlements("abandoned", counters.pending());
            counters.close();
        }
    }

    public LocalCounters local() {
        return local;
    }

    /** The store to count this table's requests in, right now. */
    public Choice choose(ActiveTable table) {
        RedisStore redis = table.table().access() == null ? null : table.table().access().redis();
        Remote current = sync(table, redis);
        if (current == null) {
            return new Choice(local, false, false);
        }
        if (current.up) {
            return new Choice(current.counters, true, false);
        }
        return AccessRules.FAIL_CLOSED.equals(redis.onUnavailable()) ? new Choice(null, true, true) : new Choice(local, false, false);
    }

    /** The table's Redis client while Redis answers, else null (then the caller keeps to this replica). */
    public RedisCounters redis(ActiveTable table) {
        RedisStore redis = table.table().access() == null ? null : table.table().access().redis();
        Remote current = sync(table, redis);
        return current != null && current.up ? current.counters : null;
    }

    /** Reports that a Redis call failed, so the next requests stop waiting for it until a PING succeeds. */
    void failed(CounterStore store, Throwable cause) {
        Remote current = remote.get();
        if (current != null && current.counters == store) {
            current.mark(false, cause);
        }
    }

    /** For readiness: null when the table has no Redis; otherwise whether it answers. */
    public Boolean redisUp(ActiveTable table) {
        RedisStore redis = table == null || table.table().access() == null ? null : table.table().access().redis();
        Remote current = sync(table, redis);
        return current == null ? null : current.up;
    }

    private Remote sync(ActiveTable table, RedisStore redis) {
        Remote current = remote.get();
        if (redis == null) {
            if (current != null && remote.compareAndSet(current, null)) {
                current.close();
                metrics.redisRemoved();
            }
            return null;
        }
        if (current != null && current.checked == table) {
            return current;
        }
        Settings wanted = new Settings(redis.url(), redis.password() == null ? null : table.secret(redis.password().path()),
                redis.caCert() == null ? null : table.secret(redis.caCert().path()), redis.keyPrefix(), redis.timeoutMs());
        if (current != null && current.settings.equals(wanted)) {
            current.checked = table;
            return current;
        }
        Remote next = new Remote(wanted);
        next.checked = table;
        if (remote.compareAndSet(current, next)) {
            if (current != null) {
                current.close();
            }
            LOG.infof("Counting limits and budgets in Redis at %s (on failure: %s)", wanted.url(), redis.onUnavailable());
            return next;
        }
        next.close();
        return Objects.requireNonNull(remote.get());
    }

    @PreDestroy
    void stop() {
        Remote current = remote.getAndSet(null);
        if (current != null) {
            current.close();
        }
    }
}
