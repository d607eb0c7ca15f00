package dev.switchboard.gateway.testing;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The HTTP server under every upstream simulator: its own Vert.x on 127.0.0.1 (never reachable from outside the
 * machine), a log of what it received for assertions, and counters that let tests check the gateway leaves no
 * request hanging and cancels streams its client gave up on. Subclasses add only their provider's wire format.
 *
 * @param <R> what a subclass records of each request
 */
public abstract class SimulatorServer<R> implements AutoCloseable {

    protected final Vertx vertx = Vertx.vertx();
    private final ConcurrentLinkedDeque<R> received = new ConcurrentLinkedDeque<>();
    private final AtomicInteger openRequests = new AtomicInteger();
    private final AtomicInteger cancelledStreams = new AtomicInteger();
    private volatile Schedule schedule;
    private HttpServer server;

    /** Picks what a simulator does with each request instead of the model name it carries: a fault schedule. */
    @FunctionalInterface
    public interface Schedule {
        /**
         * The behaviour (a model name the simulator acts on) for a request.
         *
         * @param requestId the request's {@code x-request-id}, as the gateway forwards it (null without one)
         * @param model     the upstream model the gateway asked for
         */
        String behaviour(String requestId, String model);
    }

    /**
     * Starts serving on the port (0 for a free one), request bodies read, with the routes the subclass adds.
     * Called once from the subclass's {@code start}, after construction, so routes can use the instance.
     */
    protected final void listen(int port, Consumer<Router> routes) throws Exception {
        Router router = Router.router(vertx);
        router.route().handler(this::countWhileOpen);
        router.route().handler(BodyHandler.create());
        routes.accept(router);
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port)).requestHandler(router);
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** A request stops being open when its response ends or its connection goes, whichever comes first. */
    private void countWhileOpen(RoutingContext ctx) {
        openRequests.incrementAndGet();
        boolean[] counted = new boolean[1];
        Runnable closed = () -> {
            if (!counted[0]) {
                counted[0] = true;
                openRequests.decrementAndGet();
            }
        };
        ctx.response().endHandler(v -> closed.run());
        ctx.response().closeHandler(v -> closed.run());
        ctx.next();
    }

    /** From now on, requests act out what the schedule picks; null goes back to the model names. */
    public void follow(Schedule next) {
        schedule = next;
    }

    /** The behaviour for this request: the schedule's pick when one is followed, else the model name itself. */
    protected final String scheduled(RoutingContext ctx, String model) {
        Schedule current = schedule;
        return current == null ? model : current.behaviour(ctx.request().getHeader("x-request-id"), model);
    }

    public int port() {
        return server.actualPort();
    }

    /** The server's root; a simulator whose provider is configured with a path below it says so by overriding. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    protected final void remember(R request) {
        received.add(request);
    }

    public List<R> received() {
        return List.copyOf(received);
    }

    public R last() {
        return received.peekLast();
    }

    /** Requests that have neither been answered completely nor lost their connection. */
    public int openRequests() {
        return openRequests.get();
    }

    /** Called by a stream that was still going when its client connection closed. */
    protected final void streamCancelled() {
        cancelledStreams.incrementAndGet();
    }

    /** Streams whose client connection closed before the simulator finished them. */
    public int cancelledStreams() {
        return cancelledStreams.get();
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** For a simulator's {@code main}: bench scripts run it as a process and stop it with a signal. */
    protected static void serveUntilKilled(SimulatorServer<?> simulator, String banner) throws InterruptedException {
        System.out.println(banner);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                simulator.close();
            } catch (Exception e) {
                // Exiting anyway.
            }
        }));
        Thread.currentThread().join();
    }
}
