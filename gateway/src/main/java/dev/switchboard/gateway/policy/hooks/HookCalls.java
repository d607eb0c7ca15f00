package dev.switchboard.gateway.policy.hooks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jboss.logging.Logger;

import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.routing.RequestPolicies;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Calls HTTP hook services: one POST of a JSON document per hook and request, with the hook's bearer token when it has
 * one, within {@code budgetMs} (the hook's timeout cut to what is left of the request's deadline). The answer must be
 * a 2xx JSON object whose {@code action} is {@code allow}, {@code deny} (with {@code message}) or {@code modify} (with
 * the replacement under {@code field}); anything else, a timeout or a refused connection is a failed hook. Counts
 * {@code switchboard_hook_calls_total{hook,phase,outcome}} and {@code switchboard_hook_duration_seconds{hook,phase}}.
 */
@Singleton
public class HookCalls {

    private static final Logger LOG = Logger.getLogger(HookCalls.class);
    /** The longest message of a denial passed on to the client. */
    static final int MAX_MESSAGE = 1024;

    @Inject
    Vertx vertx;
    @Inject
    MeterRegistry registry;

    private volatile WebClient client;

    public Future<Verdict> call(ActiveTable table, RequestPolicies.Hook hook, JsonObject document, String field, long budgetMs) {
        long start = System.nanoTime();
        if (budgetMs <= 0) {
            return Future.succeededFuture(count(hook, Verdict.failed("timeout"), start));
        }
        var request = client().postAbs(hook.url()).timeout(budgetMs).putHeader("content-type", "application/json");
        if (hook.token() != null) {
            String token = table.secret(hook.token().path());
            if (token != null) {
                request.putHeader("authorization", "Bearer " + token);
            }
        }
        // The web client's timeout is an idle one; the timer bounds the whole exchange, so a hook that trickles its
        // answer still ends within the budget.
        Promise<HttpResponse<Buffer>> exchange = Promise.promise();
        long timer = vertx.setTimer(budgetMs, id -> exchange.tryFail(new TimeoutException("hook " + hook.name())));
        request.sendBuffer(document.toBuffer()).onComplete(result -> {
            vertx.cancelTimer(timer);
            if (result.succeeded()) {
                exchange.tryComplete(result.result());
            } else {
                exchange.tryFail(result.cause());
            }
        });
        return exchange.future().map(response -> {
            if (response.statusCode() / 100 != 2) {
                LOG.debugf("hook %s answered HTTP %d", hook.name(), response.statusCode());
                return Verdict.failed("error");
            }
            return read(response.bodyAsBuffer(), field);
        }).otherwise(e -> {
            LOG.debugf("hook %s failed: %s", hook.name(), e.getMessage());
            return Verdict.failed(e instanceof TimeoutException ? "timeout" : "error");
        }).map(verdict -> count(hook, verdict, start));
    }

    static Verdict read(Buffer body, String field) {
        JsonObject answer;
        try {
            answer = body == null ? null : new JsonObject(body);
        } catch (RuntimeException e) {
            return Verdict.failed("error");
        }
        if (answer == null) {
            return Verdict.failed("error");
        }
        return switch (answer.getValue("action") instanceof String action ? action : "") {
            case "allow" -> Verdict.ALLOW;
            case "deny" -> {
                String message = answer.getValue("message") instanceof String m && !m.isBlank() ? m : "The request was refused by a policy hook.";
                yield new Verdict(Verdict.Action.DENY, message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) : message, null, null);
            }
            case "modify" -> answer.getValue(field) instanceof JsonObject replacement
                    ? new Verdict(Verdict.Action.MODIFY, null, replacement, null) : Verdict.failed("error");
            default -> Verdict.failed("error");
        };
    }

    /** Counts a verdict of any hook, the built-in redaction included. */
    public Verdict count(RequestPolicies.Hook hook, Verdict verdict, long startNanos) {
        registry.counter("switchboard.hook.calls", "hook", hook.name(), "phase", hook.phase(), "outcome", verdict.outcome()).increment();
        Timer.builder("switchboard.hook.duration").tags("hook", hook.name(), "phase", hook.phase()).register(registry)
                .record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        return verdict;
    }

    private WebClient client() {
        WebClient current = client;
        if (current == null) {
            synchronized (this) {
                if (client == null) {
                    client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false).setVerifyHost(true)
                            .setKeepAlive(true).setUserAgent("switchboard-gateway"));
                }
                current = client;
            }
        }
        return current;
    }

    @PreDestroy
    void close() {
        if (client != null) {
            client.close();
        }
    }
}
