package dev.switchboard.gateway.access.identity;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.switchboard.routing.AccessRules;
import dev.switchboard.routing.RoutingTable;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The key sources of the issuers being served, kept across table reloads while an issuer's settings stay the same
 * (so a reload does not refetch keys), started as soon as a table naming them is loaded, and closed when no table
 * names them any more.
 */
@Singleton
public class KeySources {

    @Inject
    Vertx vertx;
    @Inject
    IdentityMetrics metrics;

    /** How often a JWK set is fetched again while nothing asks for it sooner. */
    @ConfigProperty(name = "switchboard.identity.jwks-refresh-interval", defaultValue = "5m")
    Duration refresh;

    /** At most one fetch per issuer this often, however many tokens name unknown keys; also the first retry after a failure. */
    @ConfigProperty(name = "switchboard.identity.jwks-min-refresh-interval", defaultValue = "5s")
    Duration minRefresh;

    /** Longest wait for an issuer's discovery document or JWK set. */
    @ConfigProperty(name = "switchboard.identity.jwks-timeout", defaultValue = "5s")
    Duration timeout;

    /** What makes two table entries the same source: everything that decides which keys are fetched, and from where. */
    private record SourceKey(String name, String issuer, String jwksUri, String discovery, List<AccessRules.PublicKey> keys) {
        static SourceKey of(AccessRules.Issuer issuer) {
            return new SourceKey(issuer.name(), issuer.issuer(), issuer.jwksUri(), issuer.discovery(), issuer.keys());
        }
    }

    private final Map<SourceKey, KeySource> sources = new ConcurrentHashMap<>();
    private volatile WebClient client;

    /** The source of an issuer's keys, started if no table named it before. */
    KeySource of(AccessRules.Issuer issuer) {
        return sources.computeIfAbsent(SourceKey.of(issuer), key -> start(issuer));
    }

    /** Starts the sources of a newly served table and closes those it no longer names. */
    public void serve(RoutingTable table) {
        Set<SourceKey> named = new HashSet<>();
        if (table.access() != null) {
            for (AccessRules.Issuer issuer : table.access().issuers()) {
                named.add(SourceKey.of(issuer));
                of(issuer);
            }
        }
        sources.entrySet().removeIf(entry -> {
            if (named.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().close();
            return true;
        });
    }

    private KeySource start(AccessRules.Issuer issuer) {
        if (issuer.keys() != null) {
            KeySet keys = KeySet.published(issuer.keys());
            metrics.keysFetched(issuer.name(), keys.size() > 0, keys.size());
            return new KeySource.Published(keys);
        }
        RemoteKeySource source = new RemoteKeySource(vertx, client(), issuer,
                new RemoteKeySource.Timing(refresh.toMillis(), minRefresh.toMillis(), timeout.toMillis()), metrics);
        source.start();
        return source;
    }

    private WebClient client() {
        WebClient current = client;
        if (current == null) {
            synchronized (this) {
                if (client == null) {
                    // https with the JVM's trust store and host name verification; no redirects to elsewhere.
                    client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false).setVerifyHost(true)
                            .setConnectTimeout((int) Math.min(timeout.toMillis(), Integer.MAX_VALUE)).setUserAgent("switchboard-gateway"));
                }
                current = client;
            }
        }
        return current;
    }

    @PreDestroy
    void close() {
        sources.values().forEach(KeySource::close);
        sources.clear();
        if (client != null) {
            client.close();
        }
    }
}
