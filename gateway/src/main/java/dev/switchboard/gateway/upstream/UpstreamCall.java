package dev.switchboard.gateway.upstream;

/** Control over a call in flight: the gateway cancels when its client goes away, and applies backpressure. */
public interface UpstreamCall {

    void cancel();

    void pause();

    void resume();
}
