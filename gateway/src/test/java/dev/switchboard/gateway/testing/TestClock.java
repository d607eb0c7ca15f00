package dev.switchboard.gateway.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import jakarta.enterprise.inject.Vetoed;

/**
 * The clock of every test gateway: real time until a test pins it with {@link #set}, so budget periods can be
 * crossed without waiting for midnight. {@link TestClockProducer} makes it the gateway's Clock bean.
 */
@Vetoed
public class TestClock extends Clock {

    private static volatile Instant pinned;

    public static void set(Instant instant) {
        pinned = instant;
    }

    public static void reset() {
        pinned = null;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        Instant now = pinned;
        return now != null ? now : Instant.now();
    }
}
