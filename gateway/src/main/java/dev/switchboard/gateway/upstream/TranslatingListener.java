package dev.switchboard.gateway.upstream;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * The one listener between a provider's answer and the gateway for every adapter that translates, whatever the
 * dialect: a stream the dialect recognises is translated as it comes, what one upstream chunk produced leaving in one
 * write; any other answer (JSON, errors) is held whole and translated when it ends. Failures pass through: mid-stream,
 * what was translated so far has gone on, and the gateway ends the stream with an error event.
 */
public final class TranslatingListener implements UpstreamListener {

    /** One dialect's answers, turned into what an OpenAI server would have sent. */
    public interface Translation {

        /** The translator of a stream with this head, or null when the answer is to be held whole. */
        Stream stream(int status, MultiMap headers);

        /** Translates a whole answer (a JSON document, or an error) and delivers it downstream, ending it. */
        void whole(int status, MultiMap headers, Buffer body, UpstreamListener downstream);
    }

    /** A stream being translated: {@link #emit} collects the OpenAI events of the upstream chunk at hand. */
    public abstract static class Stream {

        private Buffer out;

        /** Translates a chunk of the upstream's stream, emitting what it completes. */
        protected abstract void feed(Buffer chunk);

        /** The upstream's stream ended: emits what is left. */
        protected abstract void end();

        /** Where the translated events go. */
        protected final Buffer out() {
            return out;
        }

        protected final void emit(Buffer events) {
            out.appendBuffer(events);
        }

        private Buffer translate(Buffer chunk) {
            out = Buffer.buffer(256);
            if (chunk == null) {
                end();
            } else {
                feed(chunk);
            }
            return out;
        }
    }

    private final UpstreamListener downstream;
    private final Translation translation;
    private int status;
    private MultiMap headers;
    private Stream stream;
    private ChunkedBody buffered;

    public TranslatingListener(UpstreamListener downstream, Translation translation) {
        this.downstream = downstream;
        this.translation = translation;
    }

    @Override
    public void onHead(int status, MultiMap headers) {
        this.status = status;
        this.headers = headers;
        stream = translation.stream(status, headers);
        if (stream != null) {
            downstream.onHead(status, MultiMap.caseInsensitiveMultiMap().add("content-type", "text/event-stream"));
        } else {
            buffered = new ChunkedBody();
        }
    }

    @Override
    public void onChunk(Buffer chunk) {
        if (stream == null) {
            buffered.append(chunk);
        } else {
            pass(stream.translate(chunk));
        }
    }

    @Override
    public void onEnd() {
        if (stream == null) {
            translation.whole(status, headers, buffered.buffer(), downstream);
            return;
        }
        pass(stream.translate(null));
        downstream.onEnd();
    }

    @Override
    public void onFailure(UpstreamFailure failure) {
        downstream.onFailure(failure);
    }

    private void pass(Buffer events) {
        if (events.length() > 0) {
            downstream.onChunk(events);
        }
    }
}
