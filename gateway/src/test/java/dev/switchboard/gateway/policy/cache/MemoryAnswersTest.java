package dev.switchboard.gateway.policy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.testing.TestClock;
import dev.switchboard.gateway.upstream.Operation;
import io.vertx.core.buffer.Buffer;

class MemoryAnswersTest {

    private final AtomicInteger evicted = new AtomicInteger();

    private static CachedAnswer answer(int bytes) {
        return new CachedAnswer(Operation.CHAT, "p", Buffer.buffer(new byte[bytes]));
    }

    private static CachedAnswer get(MemoryAnswers store, String key) {
        return store.get(key).result();
    }

    @Test
    void theLeastRecentlyUsedGoFirstWhenEntriesRunOut() {
        MemoryAnswers store = new MemoryAnswers(new TestClock(), 2, 1_000_000, evicted::addAndGet);
        store.put("a", answer(10), 60_000);
        store.put("b", answer(10), 60_000);
        get(store, "a");
        store.put("c", answer(10), 60_000);

        assertThat(get(store, "a")).isNotNull();
        assertThat(get(store, "b")).isNull();
        assertThat(get(store, "c")).isNotNull();
        assertThat(evicted).hasValue(1);
        assertThat(store.size()).isEqualTo(2);
    }

    @Test
    void bytesAreBoundedTooAndAnAnswerOverATenthIsNotKept() {
        MemoryAnswers store = new MemoryAnswers(new TestClock(), 100, 10_000, evicted::addAndGet);
        for (int i = 0; i < 20; i++) {
            store.put("k" + i, answer(900), 60_000);
        }
        assertThat(store.bytes()).isLessThanOrEqualTo(10_000);
        assertThat(get(store, "k19")).isNotNull();
        assertThat(get(store, "k0")).isNull();
        assertThat(evicted.get()).isPositive();

        store.put("huge", answer(2_000), 60_000);
        assertThat(get(store, "huge")).isNull();
    }

    @Test
    void anAnswerExpiresByTheClockAndIsNoEviction() {
        Instant start = Instant.parse("2031-01-01T00:00:00Z");
        TestClock.set(start);
        try {
            MemoryAnswers store = new MemoryAnswers(new TestClock(), 10, 100_000, evicted::addAndGet);
            store.put("a", answer(10), 1_000);
            TestClock.set(start.plusMillis(999));
            assertThat(get(store, "a")).isNotNull();
            TestClock.set(start.plusMillis(1_000));
            assertThat(get(store, "a")).isNull();
            assertThat(store.bytes()).isZero();
            assertThat(evicted).hasValue(0);
        } finally {
            TestClock.reset();
        }
    }

    @Test
    void anEncodedAnswerReadsBack() {
        CachedAnswer answer = new CachedAnswer(Operation.MESSAGES, "anthropic-main", Buffer.buffer("{\"a\":\"\\n\"}\n"));
        CachedAnswer read = CachedAnswer.decode(answer.encode());
        assertThat(read.format()).isEqualTo(Operation.MESSAGES);
        assertThat(read.provider()).isEqualTo("anthropic-main");
        assertThat(read.body()).isEqualTo(answer.body());
        assertThat(CachedAnswer.decode(Buffer.buffer("nonsense"))).isNull();
    }
}
