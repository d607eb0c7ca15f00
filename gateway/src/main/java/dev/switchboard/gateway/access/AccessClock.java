package dev.switchboard.gateway.access;

import java.time.Clock;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The clock budget periods are counted by (UTC days and months); tests replace it to cross a rollover. */
@Singleton
public class AccessClock {

    @Produces
    @DefaultBean
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
