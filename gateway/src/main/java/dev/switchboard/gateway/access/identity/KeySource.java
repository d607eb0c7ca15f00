package dev.switchboard.gateway.access.identity;

import io.vertx.core.Future;

/** Where an issuer's signature keys come from: the routing table itself, or a JWK set the gateway fetches. */
interface KeySource {

    /** The keys as of now; null while none could be had yet. */
    KeySet current();

    /** The keys once a first fetch under way is done (at once otherwise). Never fails; completes with null when there are none. */
    Future<KeySet> ready();

    /**
     * The keys after one more fetch, for a kid the current ones do not know. Fetches are rate-limited: within the
     * minimum interval after the last one, callers share a single fetch at the interval's end. Never fails.
     */
    Future<KeySet> refreshed();

    void close();

    /** Keys published in the table (the Kubernetes preset): nothing to fetch, and a refresh is the next table. */
    record Published(KeySet keys) implements KeySource {

        @Override
        public KeySet current() {
            return keys;
        }

        @Override
        public Future<KeySet> ready() {
            return Future.succeededFuture(keys);
        }

        @Override
        public Future<KeySet> refreshed() {
            return Future.succeededFuture(keys);
        }

        @Override
        public void close() {
        }
    }
}
