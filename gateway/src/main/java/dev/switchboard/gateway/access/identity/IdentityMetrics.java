package dev.switchboard.gateway.access.identity;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Token metrics. The issuer tag is an issuer's name from the table, or `unknown` for a token whose iss is not
 * trusted (never the iss itself: callers choose it); the outcome is `verified`, `cached` or a {@link TokenFailure}
 * code. So the series count is bounded by the configuration.
 */
@Singleton
public class IdentityMetrics {

    static final String UNKNOWN_ISSUER = "unknown";
    static final String VERIFIED = "verified";
    static final String CACHED = "cached";

    @Inject
    MeterRegistry registry;

    private record OutcomeKey(String issuer, String outcome) {
    }

    private final ConcurrentMap<OutcomeKey, Counter> outcomes = new ConcurrentHashMap<>();
    private final ConcurrentMap<OutcomeKey, Counter> fetches = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicInteger> keyCounts = new ConcurrentHashMap<>();

    /** One token presented: accepted (verified now, or from the cache of verified tokens) or refused, and why. */
    void authenticated(String issuer, String outcome) {
        OutcomeKey key = new OutcomeKey(issuer == null ? UNKNOWN_ISSUER : issuer, outcome);
        Counter counter = outcomes.get(key);
        if (counter == null) {
            counter = outcomes.computeIfAbsent(key, k -> Counter.builder("switchboard.token.authentications")
                    .description("Bearer tokens presented, by issuer and outcome: verified, cached, or the refusal's code (token_expired, ...)")
                    .tags("issuer", k.issuer(), "outcome", k.outcome())
                    .register(registry));
        }
        counter.increment();
    }

    /** One fetch of an issuer's JWK set, and the number of keys held after it. */
    void keysFetched(String issuer, boolean ok, int keys) {
        fetches.computeIfAbsent(new OutcomeKey(issuer, ok ? "ok" : "failed"), k -> Counter.builder("switchboard.jwks.fetches")
                .description("Fetches of issuers' JWK sets, by issuer and outcome (ok, failed); a failed one keeps the keys held")
                .tags("issuer", k.issuer(), "outcome", k.outcome())
                .register(registry)).increment();
        keyCounts.computeIfAbsent(issuer, name -> {
            AtomicInteger holder = new AtomicInteger();
            Gauge.builder("switchboard.jwks.keys", holder, AtomicInteger::get)
                    .description("Signature keys the gateway holds for the issuer")
                    .tag("issuer", name)
                    .register(registry);
            return holder;
        }).set(keys);
    }
}
