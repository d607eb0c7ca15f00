package dev.switchboard.gateway.policy.cache;

import dev.switchboard.gateway.access.redis.RedisCounters;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

/**
 * Answers kept in the policy's Redis, so every replica serves what any of them stored: {@code SET key value PX ttl}
 * under {@code <keyPrefix>:cache:<key>}, expired by Redis' own clock. Failures are misses, and storing is best effort:
 * the cache never fails a request.
 */
final class RedisAnswers implements AnswerStore {

    private final RedisCounters redis;

    RedisAnswers(RedisCounters redis) {
        this.redis = redis;
    }

    @Override
    public Future<CachedAnswer> get(String key) {
        return redis.call(Request.cmd(Command.GET).arg(name(key)))
                .map(response -> response == null ? null : CachedAnswer.decode(response.toBuffer()))
                .otherwise((CachedAnswer) null);
    }

    @Override
    public void put(String key, CachedAnswer answer, long ttlMs) {
        redis.call(Request.cmd(Command.SET).arg(name(key)).arg(answer.encode()).arg("PX").arg(ttlMs));
    }

    @Override
    public void remove(String key) {
        redis.call(Request.cmd(Command.DEL).arg(name(key)));
    }

    private String name(String key) {
        return redis.prefix() + ":cache:" + key;
    }
}
