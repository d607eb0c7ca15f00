package dev.switchboard.gateway.upstream;

/** Sends requests to one kind of provider. Must not block: it is called on an event loop. */
public interface Upstream {

    UpstreamCall send(UpstreamRequest request, UpstreamListener listener);
}
