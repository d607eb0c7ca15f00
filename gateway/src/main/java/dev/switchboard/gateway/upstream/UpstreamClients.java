package dev.switchboard.gateway.upstream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.util.concurrent.EventExecutor;
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
 * <p>
 * The connection cap per host is the replica's: each event loop's pool gets an equal share of it (at least one
 * connection). An HTTP/1.1 stream holds its connection to the end, so the cap bounds the concurrent calls to one
 * host; calls beyond it wait in the pool's queue (see {@link UpstreamHttpCall} for how long).
 * <p>
 * The TCP connect timeout is a client option in Vert.x, so there is one client per event loop and provider connect
 * timeout (tables use few distinct values); the connect timeout of a request, which Vert.x counts from the start
 * of the wait for a pooled connection, is set per call instead.
 */
public final class UpstreamClients {

    private record Key(Thread eventLoop, int connectTimeoutMs) {
    }

    private final Vertx vertx;
    private final HttpClientOptions options;
    private final PoolOptions pool;
    private final PoolWaits waits;
    private final Map<Key, HttpClient> clients = new ConcurrentHashMap<>();

    /**
     * @param maxConnectionsPerHost the replica's cap on connections to one host, shared out over the event loops
     */
    public UpstreamClients(Vertx vertx, HttpClientOptions options, int maxConnectionsPerHost, PoolWaits waits) {
        this.vertx = vertx;
        this.options = options;
        this.pool = new PoolOptions().setHttp1MaxSize(perEventLoop(maxConnectionsPerHost, eventLoops(vertx)));
        this.waits = waits;
    }

    /** Each event loop's share of the cap, rounded up, and at least one connection. */
    static int perEventLoop(int maxConnectionsPerHost, int eventLoops) {
        return Math.max(1, (maxConnectionsPerHost + eventLoops - 1) / Math.max(1, eventLoops));
    }

    @SuppressWarnings("deprecation") // Vert.x 4 names its event loops only through Netty's group.
    private static int eventLoops(Vertx vertx) {
        int count = 0;
        for (EventExecutor ignored : vertx.nettyEventLoopGroup()) {
            count++;
        }
        return count;
    }

    /** Connections one event loop's pool may open to one host. */
    public int connectionsPerEventLoop() {
        return pool.getHttp1MaxSize();
    }

    /** The client for the calling thread and a provider's TCP connect timeout. */
    public HttpClient current(int connectTimeoutMs) {
        Key key = new Key(Context.isOnEventLoopThread() ? Thread.currentThread() : null, connectTimeoutMs);
        HttpClient client = clients.get(key);
        return client != null ? client : clients.computeIfAbsent(key,
                k -> vertx.createHttpClient(new HttpClientOptions(options).setConnectTimeout(k.connectTimeoutMs()), pool));
    }

    PoolWaits waits() {
        return waits;
    }

    public void close() {
        clients.values().forEach(HttpClient::close);
        waits.close();
    }
}
