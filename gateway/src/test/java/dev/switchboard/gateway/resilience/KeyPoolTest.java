package dev.switchboard.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.resilience.KeyPool.State;

/** Key health: even rotation, cooldowns after 429, quarantine after 401/403 and its re-check. */
class KeyPoolTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final KeyPool pool = new KeyPool("p", now::get, 1_000, 60_000);

    private KeyPool.Key key(String value) {
        return pool.keys().stream().filter(k -> value.equals(k.value())).findFirst().orElseThrow();
    }

    @Test
    void rotationIsEvenOverHealthyKeysAndSkipsUnhealthyOnes() {
        pool.update(List.of("k1", "k2", "k3"));
        Map<String, Integer> uses = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            uses.merge(pool.acquire("m").value(), 1, Integer::sum);
        }
        assertThat(uses).containsEntry("k1", 100).containsEntry("k2", 100).containsEntry("k3", 100);

        pool.refused(key("k2"), null);
        uses.clear();
        for (int i = 0; i < 300; i++) {
            uses.merge(pool.acquire("m").value(), 1, Integer::sum);
        }
        assertThat(uses).containsOnlyKeys("k1", "k3").containsEntry("k1", 150);
    }

    @Test
    void aRateLimitedKeyCoolsDownForRetryAfter() {
        pool.update(List.of("k1"));
        pool.rateLimited(key("k1"), "m", 7_000);

        assertThat(pool.state(key("k1"))).isEqualTo(State.COOLING_DOWN);
        assertThat(pool.acquire("m")).isNull();
        assertThat(pool.millisUntilUsable("m")).isEqualTo(7_000);
        now.addAndGet(7_000);
        assertThat(pool.acquire("m").value()).isEqualTo("k1");
    }

    @Test
    void aKeyRateLimitedOnOneModelKeepsServingTheOthers() {
        pool.update(List.of("k1"));
        pool.rateLimited(key("k1"), "gpt-4o", 5_000);

        assertThat(pool.usable("gpt-4o")).isFalse();
        assertThat(pool.acquire("gpt-4o-mini").value()).isEqualTo("k1");
        assertThat(pool.state(key("k1"))).isEqualTo(State.COOLING_DOWN);
        now.addAndGet(5_000);
        assertThat(pool.state(key("k1"))).isEqualTo(State.HEALTHY);
    }

    @Test
    void withoutRetryAfterTheCooldownDoublesPerRateLimitInARowUpToAMinute() {
        pool.update(List.of("k1"));
        KeyPool.Key key = key("k1");

        pool.rateLimited(key, "m", 0);
        assertThat(pool.millisUntilUsable("m")).isEqualTo(1_000);
        pool.rateLimited(key, "m", 0);
        assertThat(pool.millisUntilUsable("m")).isEqualTo(2_000);
        for (int i = 0; i < 20; i++) {
            pool.rateLimited(key, "m", 0);
        }
        assertThat(pool.millisUntilUsable("m")).isEqualTo(KeyPool.MAX_COOLDOWN_MS);

        now.addAndGet(KeyPool.MAX_COOLDOWN_MS);
        pool.succeeded(key);
        pool.rateLimited(key, "m", 0);
        assertThat(pool.millisUntilUsable("m")).as("a success resets the backoff").isEqualTo(1_000);
    }

    @Test
    void aRefusedKeyIsQuarantinedThenReCheckedByTheNextCall() {
        pool.update(List.of("k1"));
        pool.refused(key("k1"), null);

        assertThat(pool.state(key("k1"))).isEqualTo(State.QUARANTINED);
        assertThat(pool.usable("m")).isFalse();
        assertThat(pool.millisUntilUsable("m")).as("quarantine is not waited for").isEqualTo(Long.MAX_VALUE);

        now.addAndGet(60_000);
        KeyPool.Key probe = pool.acquire("m");
        assertThat(probe.value()).isEqualTo("k1");
        pool.refused(probe, null);
        assertThat(pool.state(probe)).isEqualTo(State.QUARANTINED);
    }

    @Test
    void aKeyForbiddenOneModelKeepsServingTheOthers() {
        pool.update(List.of("k1"));
        pool.refused(key("k1"), "m");

        assertThat(pool.state(key("k1"))).isEqualTo(State.QUARANTINED);
        assertThat(pool.usable("m")).isFalse();
        assertThat(pool.acquire("other").value()).as("a 403 is about this model only").isEqualTo("k1");

        now.addAndGet(60_000);
        assertThat(pool.usable("m")).as("re-checked after the quarantine").isTrue();
        assertThat(pool.state(key("k1"))).isEqualTo(State.HEALTHY);
    }

    @Test
    void aSuccessOnAnotherModelDoesNotLiftARefusalForThisModel() {
        pool.update(List.of("k1"));
        pool.refused(key("k1"), "m");

        pool.succeeded(pool.acquire("other"));

        assertThat(pool.usable("m")).isFalse();
        assertThat(pool.state(key("k1"))).isEqualTo(State.QUARANTINED);
    }

    @Test
    void aSuccessOfACallUnderWayWhenTheKeyWasRefusedDoesNotLiftTheQuarantine() {
        pool.update(List.of("k1"));
        KeyPool.Key longStream = pool.acquire("m");
        now.addAndGet(30_000);
        pool.refused(pool.acquire("m"), null);

        now.addAndGet(10_000);
        pool.succeeded(longStream);

        assertThat(pool.state(key("k1"))).isEqualTo(State.QUARANTINED);
        assertThat(pool.acquire("m")).isNull();
        now.addAndGet(50_000);
        assertThat(pool.acquire("m").value()).as("usable again once the quarantine ran out").isEqualTo("k1");
    }

    @Test
    void aReloadKeepsTheHealthOfKeysThatStayAndStartsNewKeysHealthy() {
        pool.update(List.of("k1", "k2"));
        pool.refused(key("k1"), null);
        KeyPool.Key kept = key("k1");

        pool.update(List.of("k1", "k3"));

        assertThat(key("k1")).isSameAs(kept);
        assertThat(pool.state(key("k1"))).isEqualTo(State.QUARANTINED);
        assertThat(pool.state(key("k3"))).isEqualTo(State.HEALTHY);
        assertThat(pool.keys()).extracting(KeyPool.Key::value).containsExactly("k1", "k3");
    }

    @Test
    void fingerprintsAreShortAndDoNotContainTheKey() {
        pool.update(List.of("sk-live-0123456789"));

        String fingerprint = pool.keys().get(0).fingerprint();
        assertThat(fingerprint).matches("[0-9a-f]{8}").doesNotContain("sk-");
        assertThat(fingerprint).isEqualTo(KeyPool.fingerprint("sk-live-0123456789"));
    }

    @Test
    void aProviderWithoutKeysHasOneKeylessEntryThatCanCoolDown() {
        pool.update(List.of());

        assertThat(pool.keyless()).isTrue();
        KeyPool.Key key = pool.acquire("m");
        assertThat(key.value()).isNull();
        pool.rateLimited(key, "m", 2_000);
        assertThat(pool.usable("m")).isFalse();
    }
}
