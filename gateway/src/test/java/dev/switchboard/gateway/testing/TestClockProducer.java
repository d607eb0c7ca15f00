package dev.switchboard.gateway.testing;

import java.time.Clock;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Replaces the gateway's default Clock bean with {@link TestClock} in every test gateway. */
@Singleton
public class TestClockProducer {

    @Produces
    @Singleton
    Clock clock() {
        return new TestClock();
    }
}
