package dev.switchboard.gateway.dialect.openai;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A client dialect's translation of the chat chunk stream into its own events, written into the buffer given (see
 * {@link ChatEventStream}, which drives it): what every translation keeps the same way, so a dialect says only what its
 * events are. The opening events go out once, before anything else; once the closing or an error event is out the
 * stream has ended and nothing more is written; the last usage the upstream reported is kept. One instance per stream;
 * not thread-safe.
 */
public abstract class ChatChunkEvents {

    private boolean started;
    private boolean ended;
    private boolean finishSeen;
    private JsonObject usage;
    private long generatedChars;

    /** The stream's opening events. */
    protected abstract void opening(Buffer out);

    /** One chat chunk's events, its usage already read; returns why the dialect cannot carry it, or null. */
    protected abstract String translate(JsonObject chunk, Buffer out);

    /** The closing events, after the last chunk: the open block or item closed, then the dialect's last events. */
    protected abstract void closing(Buffer out);

    /** The dialect's error event, which ends the stream. */
    protected abstract void failing(Buffer out, String code, String message);

    /** The error event of an upstream's own error ({@code {"error": ...}} in its stream), in the dialect's terms. */
    public abstract void upstreamError(Buffer out, JsonObject error);

    /** The opening events, sent as soon as the upstream answers, before any content; once. */
    public final void start(Buffer out) {
        if (started) {
            return;
        }
        started = true;
        opening(out);
    }

    /** Translates one chunk. Returns an error message when the chunk cannot be represented, else null. */
    public final String chunk(JsonObject chunk, Buffer out) {
        if (ended) {
            return null;
        }
        start(out);
        if (chunk.getValue("usage") instanceof JsonObject reported) {
            usage = reported;
        }
        return translate(chunk, out);
    }

    /** The closing events, on the upstream's [DONE]. */
    public final void finish(Buffer out) {
        if (ended) {
            return;
        }
        start(out);
        ended = true;
        closing(out);
    }

    /** An error event; the stream ends with it. */
    public final void error(Buffer out, String code, String message) {
        if (ended) {
            return;
        }
        ended = true;
        failing(out, code, message);
    }

    public final boolean ended() {
        return ended;
    }

    /** The upstream sent its finish reason: the content is complete, only usage and [DONE] may follow. */
    public final boolean finishSeen() {
        return finishSeen;
    }

    public final boolean usageSeen() {
        return usage != null;
    }

    /** The upstream's last chat usage, null until it came. */
    public final JsonObject chatUsage() {
        return usage;
    }

    /** Characters of generated text, reasoning, tool names and arguments translated so far. */
    public final long generatedChars() {
        return generatedChars;
    }

    /** A chunk carried the finish reason. */
    protected final void sawFinish() {
        finishSeen = true;
    }

    protected final void generated(long chars) {
        generatedChars += chars;
    }
}
