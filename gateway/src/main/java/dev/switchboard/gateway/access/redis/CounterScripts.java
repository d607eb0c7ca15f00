package dev.switchboard.gateway.access.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua scripts that make each admission and settlement one atomic step inside Redis, so replicas sharing it
 * can never overshoot a limit together. Time comes from Redis' own clock (TIME), so replicas with skewed clocks
 * still refill the same buckets at the same rate.
 *
 * Keys (one subject, one Redis Cluster hash slot): 1 request bucket, 2 token bucket, 3 leases of the requests in
 * flight (sorted set scored by expiry, so a replica that dies holding slots frees them after the lease time; they
 * are the concurrency slots, and they tell a retried settlement whether it was already applied), 4 day spend,
 * 5 month spend. Numbers travel as strings: Redis would truncate Lua floats to integers.
 */
final class CounterScripts {

    private static final String COMMON = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local function level(key, cap)
              local v = redis.call('HMGET', key, 'l', 'at')
              local l, at = tonumber(v[1]), tonumber(v[2])
              if l == nil then return cap end
              return math.min(cap, l + (now - at) * cap / 60000)
            end
            local function store(key, l, cap)
              redis.call('HSET', key, 'l', tostring(l), 'at', now)
              -- Expire once the bucket would be full again: an absent bucket reads as full.
              redis.call('PEXPIRE', key, math.ceil((cap - l) * 60000 / cap) + 1000)
            end
            local function waitms(missing, cap) return math.ceil(missing * 60000 / cap) end
            """;

    /** ARGV: rpm, tpm, maxConcurrency, tokens, lease, leaseTtlMs, perDay, perMonth (0 = no limit). */
    static final String ACQUIRE = COMMON + """
            local rpm, tpm, maxc = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
            local tokens, lease, ttl = tonumber(ARGV[4]), ARGV[5], tonumber(ARGV[6])
            local perDay, perMonth = tonumber(ARGV[7]), tonumber(ARGV[8])
            local day = tonumber(redis.call('GET', KEYS[4]) or '0')
            local month = tonumber(redis.call('GET', KEYS[5]) or '0')
            local function refuse(limit, wait) return {limit, tostring(wait), tostring(day), tostring(month)} end
            if perDay > 0 and day >= perDay then return refuse('budget_day', 0) end
            if perMonth > 0 and month >= perMonth then return refuse('budget_month', 0) end
            redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
            if maxc > 0 and redis.call('ZCARD', KEYS[3]) >= maxc then return refuse('concurrency', 1000) end
            local r, k = -1, -1
            if rpm > 0 then
              r = level(KEYS[1], rpm)
              if r < 1 then return refuse('requests', waitms(1 - r, rpm)) end
            end
            if tpm > 0 then
              k = level(KEYS[2], tpm)
              local needed = math.min(tokens, tpm)
              if k < needed then return refuse('tokens', waitms(needed - k, tpm)) end
            end
            -- Every admitted request holds a lease, limited concurrency or not: its settlement removes it.
            redis.call('ZADD', KEYS[3], now + ttl, lease)
            redis.call('PEXPIRE', KEYS[3], ttl)
            local rr, rk = 0, 0
            if rpm > 0 then r = r - 1; store(KEYS[1], r, rpm); rr = waitms(rpm - r, rpm) end
            if tpm > 0 then k = k - tokens; store(KEYS[2], k, tpm); rk = waitms(tpm - k, tpm) end
            return {'ok', '0', tostring(day), tostring(month), tostring(r), tostring(rr), tostring(k), tostring(rk)}
            """;

    /**
     * ARGV: tpm, refund, lease, cost, daySeconds, monthSeconds, retry. A retry (1) of a settlement whose first
     * attempt went unconfirmed is applied only while the request's lease is still held: when the first attempt did
     * run after all, the lease is gone and nothing is counted twice.
     */
    static final String SETTLE = COMMON + """
            local tpm, refund, lease, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
            local held = 0
            if lease ~= '' then held = redis.call('ZREM', KEYS[3], lease) end
            if ARGV[7] == '1' and held == 0 then
              return {redis.call('GET', KEYS[4]) or '0', redis.call('GET', KEYS[5]) or '0'}
            end
            if tpm > 0 and refund ~= 0 then
              store(KEYS[2], math.min(tpm, level(KEYS[2], tpm) + refund), tpm)
            end
            local day = redis.call('GET', KEYS[4]) or '0'
            local month = redis.call('GET', KEYS[5]) or '0'
            if cost > 0 then
              day = redis.call('INCRBYFLOAT', KEYS[4], ARGV[4])
              redis.call('EXPIRE', KEYS[4], ARGV[5])
              month = redis.call('INCRBYFLOAT', KEYS[5], ARGV[4])
              redis.call('EXPIRE', KEYS[5], ARGV[6])
            end
            return {tostring(day), tostring(month)}
            """;

    /** ARGV: rpm, tpm. Reads without taking anything. */
    static final String USAGE = COMMON + """
            local rpm, tpm = tonumber(ARGV[1]), tonumber(ARGV[2])
            local r, k = -1, -1
            if rpm > 0 then r = level(KEYS[1], rpm) end
            if tpm > 0 then k = level(KEYS[2], tpm) end
            redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
            local inflight = redis.call('ZCARD', KEYS[3])
            return {tostring(r), tostring(k), tostring(inflight), redis.call('GET', KEYS[4]) or '0', redis.call('GET', KEYS[5]) or '0'}
            """;

    private CounterScripts() {
    }

    static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is always available", e);
        }
    }
}
