package dev.switchboard.gateway.upstream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;

/**
 * The pooled keep-alive HTTP clients to providers: one per event loop, so a call always rides a connection owned by
 * the event loop that serves the client's request. With one client shared by all event loops, Vert.x hands out any
 * idle connection, and the answer then arrives on another event loop and is passed back as a task: a thread wake-up
 * per request that cost about 40 % of the gateway's CPU at 1,000 requests/s (docs/benchmarks.md). A call started
 * off an event loop uses a separate shared client.
 */
public final class UpstreamClients {

    private final Vertx vertx;
    private final HttpClientOptions options;
    private final PoolOptions pool;
    private final Map<Thread, HttpClient> perEventLoop = new ConcurrentHashMap<>();
    private final HttpClient offEventLoop;

    public UpstreamClients(Vertx vertx, HttpClientOptions options, PoolOptions pool) {
        this.vertx = vertx;
        this.options = options;
        this.pool = pool;
        this.offEventLoop = vertx.createHttpClient(options, pool);
    }

    /** The client for the calling thread. */
    public HttpClient current() {
        if (!Context.isOnEventLoopThread()) {
            return offEventLoop;
        }
        return perEventLoop.computeIfAbsent(Thread.currentThread(), thread -> vertx.createHttpClient(options, pool));
    }

    public void close() {
        perEventLoop.values().forEach(HttpClient::close);
        offEventLoop.close();
    }
}
