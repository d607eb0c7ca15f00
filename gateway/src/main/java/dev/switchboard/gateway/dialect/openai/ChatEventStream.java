package dev.switchboard.gateway.dialect.openai;

import java.util.function.Consumer;

import dev.switchboard.gateway.dialect.FrameDecoder;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.resilience.StreamEvents;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * A chat chunk stream translated, as it comes, into a client dialect's event stream: what both translating writers
 * (Messages, Responses) hand their {@code ClientRelay}, which decodes the stream and writes the events of one upstream
 * chunk at once. {@code [DONE]} closes the stream with the dialect's closing events; the provider's error event and a
 * chunk the dialect cannot carry end it with an error event (the latter also stops the upstream); a stream the upstream
 * ends early gets an error event before its end.
 */
public final class ChatEventStream implements StreamEvents {

    private final ChatChunkEvents events;
    private final RequestRecord record;
    private final Consumer<JsonObject> books;
    private final String interruptedCode;
    private final String untranslatableCode;
    /** The upstream's stream cannot be carried on: it is cancelled once the error event is out. */
    private boolean abandoned;

    /**
     * @param record             the request's record, told of what the stream generated and of a chunk it could not carry
     * @param books              what the writer reads of each translated chunk for the request's books (usage, finish reason)
     * @param interruptedCode    the dialect's error code for a stream cut short
     * @param untranslatableCode the dialect's error code for a chunk it cannot carry
     */
    public ChatEventStream(ChatChunkEvents events, RequestRecord record, Consumer<JsonObject> books, String interruptedCode,
            String untranslatableCode) {
        this.events = events;
        this.record = record;
        this.books = books;
        this.interruptedCode = interruptedCode;
        this.untranslatableCode = untranslatableCode;
    }

    @Override
    public void opening(Buffer out) {
        events.start(out);
    }

    /** One upstream event, unless the stream already ended; data that is no JSON object carries nothing and is passed over. */
    @Override
    public void event(FrameDecoder.Event event, Buffer out) {
        if (event.data() == null || events.ended()) {
            return;
        }
        String data = event.text();
        if (data.equals("[DONE]")) {
            events.finish(out);
            return;
        }
        JsonObject chunk;
        try {
            chunk = new JsonObject(data);
        } catch (DecodeException | ClassCastException e) {
            return;
        }
        if (chunk.getValue("error") instanceof JsonObject error) {
            record.failed("upstream_stream_error");
            events.upstreamError(out, error);
            return;
        }
        String problem = events.chunk(chunk, out);
        record.usage().generatedInAll(events.generatedChars());
        if (problem != null) {
            record.failed("untranslatable_stream");
            events.error(out, untranslatableCode, problem);
            abandoned = true;
        }
        books.accept(chunk);
    }

    @Override
    public boolean streamComplete() {
        return events.ended();
    }

    @Override
    public void cutShort(Buffer out, String message) {
        events.error(out, interruptedCode, message);
    }

    @Override
    public boolean abandoned() {
        return abandoned;
    }

    /** True when the upstream generated everything and only its usage is still to come. */
    @Override
    public boolean usageOnlyToCome() {
        return events.finishSeen() && !events.usageSeen();
    }
}
