package dev.switchboard.gateway.dialect.openai;

import java.util.function.Consumer;

import dev.switchboard.gateway.dialect.FrameDecoder;
import dev.switchboard.gateway.record.RequestRecord;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A chat chunk stream translated, as it comes, into a client dialect's event stream: the skeleton both translating
 * writers (Messages, Responses) drive. The events one upstream chunk makes leave in one write; a chunk the dialect
 * cannot carry ends the client's stream with an error event and stops the upstream; a stream the upstream ends early
 * gets an error event before its end.
 */
public final class ChatEventStream {

    /** A client dialect's translation of chat chunks into its events, written into the buffer given. */
    public interface Events {

        /** The stream's opening events, sent before any content. */
        void start(Buffer out);

        /** One chat chunk's events; returns why it cannot be translated, or null. */
        String chunk(JsonObject chunk, Buffer out);

        /** The closing events, at the upstream's [DONE]. */
        void finish(Buffer out);

        /** An error event in the dialect's terms. */
        void error(Buffer out, String code, String message);

        boolean ended();

        /** The upstream sent its finish reason: only usage and [DONE] may follow. */
        boolean finishSeen();

        /** The upstream's usage arrived. */
        boolean usageSeen();

        /** Characters of generated content translated so far. */
        long generatedChars();
    }

    private final Events events;
    private final RequestRecord record;
    private final Consumer<Buffer> write;
    private final Runnable end;
    private final Runnable stopUpstream;
    private final String interruptedCode;
    private final String untranslatableCode;
    private Buffer out = Buffer.buffer();
    /** The upstream's stream cannot be carried on: it is cancelled once the error event is out. */
    private boolean abandoned;

    /**
     * @param record             the request's record, told of a stream cut short
     * @param write              writes events to the client (nothing once it left)
     * @param end                ends the client's stream and closes the request's books
     * @param stopUpstream       stops the exchange upstream, through the pipeline
     * @param interruptedCode    the dialect's error code for a stream cut short
     * @param untranslatableCode the dialect's error code for a chunk it cannot carry
     */
    public ChatEventStream(Events events, RequestRecord record, Consumer<Buffer> write, Runnable end, Runnable stopUpstream,
            String interruptedCode, String untranslatableCode) {
        this.events = events;
        this.record = record;
        this.write = write;
        this.end = end;
        this.stopUpstream = stopUpstream;
        this.interruptedCode = interruptedCode;
        this.untranslatableCode = untranslatableCode;
    }

    /** The stream's head is out: its opening events follow at once. */
    public void start() {
        events.start(out);
        flush();
    }

    /**
     * One decoded upstream event, unless the stream already ended: {@code [DONE]} closes it with the dialect's closing
     * events, a chunk or an error event goes to {@code sink}.
     */
    public void read(String data, ChatChunks.Sink sink) {
        if (events.ended()) {
            return;
        }
        if (data.equals("[DONE]")) {
            events.finish(out);
        } else {
            ChatChunks.read(data, sink);
        }
    }

    /** Translates one chat chunk; one the dialect cannot carry is recorded and ends the stream with an error event. */
    public void chunk(JsonObject chunk) {
        String problem = events.chunk(chunk, out);
        record.usage().generatedInAll(events.generatedChars());
        if (problem != null) {
            record.failed("untranslatable_stream");
            events.error(out, untranslatableCode, problem);
            abandoned = true;
        }
    }

    /** An error event the upstream sent, in the dialect's terms. */
    public void error(String code, String message) {
        events.error(out, code, message);
    }

    /** An upstream chunk, decoded by {@code decoder} into {@link #read}: its events go out, and an abandoned stream ends. */
    public void feed(FrameDecoder decoder, Buffer chunk) {
        decoder.feed(chunk);
        flush();
        if (abandoned) {
            // Through the pipeline, so the attempt ends without a verdict and no timer outlives the request.
            stopUpstream.run();
            end.run();
        }
    }

    /**
     * The upstream's stream ended. Unless the client already left, a stream that ended before its last event is
     * recorded as interrupted and gets an error event; then the client's stream ends and the books close.
     */
    public void upstreamEnded(FrameDecoder decoder, boolean clientGone) {
        decoder.finish();
        if (!clientGone && !events.ended()) {
            record.failed("stream_interrupted");
            events.error(out, interruptedCode, "The upstream ended the stream before it was complete.");
        }
        flush();
        end.run();
    }

    /** Ends a started stream that broke upstream with an error event. */
    public void broke(String message) {
        events.error(out, interruptedCode, message);
        flush();
        end.run();
    }

    /** True when the upstream generated everything and only its usage is still to come. */
    public boolean awaitingUsageOnly() {
        return events.finishSeen() && !events.usageSeen();
    }

    private void flush() {
        Buffer pending = out;
        out = Buffer.buffer();
        write.accept(pending);
    }
}
