package dev.switchboard.gateway.front;

/**
 * One step of the {@link Front}: it reads and fills in its part of the {@link Inbound} request, then either refuses
 * it ({@link Inbound#refuse}) or hands it on ({@link Next#proceed}), at once or when an asynchronous check answered.
 * A request walks the steps forward once.
 */
public interface FrontStep {

    void apply(Inbound request, Next next);

    /** The rest of the chain. */
    @FunctionalInterface
    interface Next {
        void proceed();
    }
}
