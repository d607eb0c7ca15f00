package dev.switchboard.gateway.record;

/** Told of each request once its books are closed (usage complete, holds settled, cost known); it only reads. */
public interface RequestObserver {

    /** Called once per request, on its event loop. */
    void requestFinished(RequestRecord record, long endNanos);
}
