package dev.switchboard.gateway.access.identity;

import java.util.regex.Pattern;

import org.jboss.logging.Logger;

import dev.switchboard.api.v1alpha1.Patterns;
import dev.switchboard.routing.AccessRules;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

/**
 * An issuer's JWK set, fetched in the background with the Vert.x web client: first when the issuer appears in a
 * table, then every refresh interval (sooner, with backoff, after a failure). Requests never wait for the periodic
 * refresh; only a token naming an unknown kid waits, for one rate-limited refresh shared with every other such
 * token. A failed fetch keeps the keys already held, so an issuer that is down does not stop its tokens.
 */
final class RemoteKeySource implements KeySource {

    private static final Logger LOG = Logger.getLogger(RemoteKeySource.class);
    private static final Pattern URL = Pattern.compile(Patterns.ISSUER_URL);
    /** No honest JWK set comes near this; a larger body is refused rather than parsed. */
    static final int MAX_BODY_BYTES = 512 * 1024;

    /** How often and how patiently keys are fetched. */
    record Timing(long refreshMs, long minIntervalMs, long timeoutMs) {
    }

    private final Vertx vertx;
    private final WebClient client;
    private final AccessRules.Issuer issuer;
    private final Timing timing;
    private final IdentityMetrics metrics;

    private volatile KeySet keys;
    private String lastBody;
    private Future<KeySet> inFlight;
    private Promise<KeySet> scheduled;
    private long lastAttemptMs = Long.MIN_VALUE / 2;
    private int failuresInARow;
    private long timer = -1;
    private boolean closed;

    RemoteKeySource(Vertx vertx, WebClient client, AccessRules.Issuer issuer, Timing timing, IdentityMetrics metrics) {
        this.vertx = vertx;
        this.client = client;
        this.issuer = issuer;
        this.timing = timing;
        this.metrics = metrics;
    }

    void start() {
        fetch();
    }

    @Override
    public KeySet current() {
        return keys;
    }

    /** Waits only for a first fetch under way; after a failed one it answers at once (the retry is scheduled). */
    @Override
    public synchronized Future<KeySet> ready() {
        return keys == null && inFlight != null ? inFlight : Future.succeededFuture(keys);
    }

    @Override
    public synchronized Future<KeySet> refreshed() {
        if (inFlight != null) {
            return inFlight;
        }
        long wait = lastAttemptMs + timing.minIntervalMs() - System.currentTimeMillis();
        if (wait <= 0) {
            return fetch();
        }
        if (scheduled == null) {
            Promise<KeySet> promise = Promise.promise();
            scheduled = promise;
            cancelTimer();
            timer = vertx.setTimer(wait, id -> fetch().onComplete(done -> promise.complete(keys)));
        }
        return scheduled.future();
    }

    private synchronized Future<KeySet> fetch() {
        if (inFlight != null) {
            return inFlight;
        }
        if (closed) {
            return Future.succeededFuture(keys);
        }
        cancelTimer();
        lastAttemptMs = System.currentTimeMillis();
        Promise<KeySet> promise = Promise.promise();
        inFlight = promise.future();
        scheduled = null;
        load().onComplete(result -> {
            synchronized (this) {
                inFlight = null;
                if (result.succeeded()) {
                    failuresInARow = 0;
                    metrics.keysFetched(issuer.name(), true, keys.size());
                } else {
                    failuresInARow++;
                    metrics.keysFetched(issuer.name(), false, keys == null ? 0 : keys.size());
                    LOG.warnf("Cannot fetch the keys of issuer %s (%s): %s; %s", issuer.name(), issuer.jwksUri() != null ? issuer.jwksUri()
                            : issuer.discovery(), result.cause().getMessage(), keys == null ? "its tokens are refused until a fetch succeeds"
                                    : "its tokens are verified with the keys fetched before");
                }
                scheduleNext();
            }
            promise.complete(keys);
        });
        return inFlight;
    }

    /** After a failure the next try comes sooner: the minimum interval, doubling up to the refresh interval. */
    private void scheduleNext() {
        if (closed) {
            return;
        }
        long delay = failuresInARow == 0 ? timing.refreshMs()
                : Math.min(timing.refreshMs(), timing.minIntervalMs() << Math.min(failuresInARow - 1, 20));
        timer = vertx.setTimer(Math.max(delay, 1), id -> {
            synchronized (this) {
                timer = -1;
            }
            fetch();
        });
    }

    private void cancelTimer() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private Future<KeySet> load() {
        Future<String> jwksUri = issuer.jwksUri() != null ? Future.succeededFuture(issuer.jwksUri())
                : get(issuer.discovery()).map(this::jwksUriOf);
        return jwksUri.compose(this::get).map(body -> {
            synchronized (this) {
                // An unchanged document keeps the same key set, so tokens verified with it stay cached.
                if (body.equals(lastBody) && keys != null) {
                    return keys;
                }
            }
            KeySet parsed;
            try {
                parsed = KeySet.parse(body);
            } catch (org.jose4j.lang.JoseException e) {
                throw new IllegalStateException("the JWK set is not valid JSON: " + e.getMessage());
            }
            if (parsed.size() == 0) {
                throw new IllegalStateException("the JWK set holds no usable signing key");
            }
            synchronized (this) {
                lastBody = body;
                keys = parsed;
            }
            return parsed;
        });
    }

    /** OIDC discovery: the document must be the issuer's own (its issuer equal to ours) and name a usable jwks_uri. */
    private String jwksUriOf(String body) {
        JsonObject document = new JsonObject(body);
        if (!issuer.issuer().equals(document.getString("issuer"))) {
            throw new IllegalStateException("the discovery document names another issuer");
        }
        String uri = document.getString("jwks_uri");
        if (uri == null || !URL.matcher(uri).matches()) {
            throw new IllegalStateException("the discovery document names no https jwks_uri");
        }
        return uri;
    }

    private Future<String> get(String url) {
        return client.getAbs(url).timeout(timing.timeoutMs()).putHeader("accept", "application/json").send().map(response -> {
            if (response.statusCode() != 200) {
                throw new IllegalStateException(url + " answered " + response.statusCode());
            }
            Buffer body = response.body();
            if (body == null || body.length() > MAX_BODY_BYTES) {
                throw new IllegalStateException(url + " answered no body or one over " + MAX_BODY_BYTES + " bytes");
            }
            return body.toString(java.nio.charset.StandardCharsets.UTF_8);
        });
    }

    @Override
    public synchronized void close() {
        closed = true;
        cancelTimer();
        if (scheduled != null) {
            scheduled.tryComplete(keys);
            scheduled = null;
        }
    }
}
