package dev.switchboard.gateway.policy.cache;

import io.vertx.core.Future;

/** Where answers are kept: this replica's memory, or Redis. A lookup that fails is a miss; a store that fails is dropped. */
public interface AnswerStore {

    /** The answer stored under the key and not expired, or null. */
    Future<CachedAnswer> get(String key);

    /** Keeps the answer for {@code ttlMs}. */
    void put(String key, CachedAnswer answer, long ttlMs);

    /** Drops the answer stored under the key, if any. */
    void remove(String key);
}
