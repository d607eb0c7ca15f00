package dev.switchboard.gateway.dialect.responses;

import static dev.switchboard.gateway.testing.GoldenFiles.assertMatches;
import static dev.switchboard.gateway.testing.GoldenFiles.input;
import static dev.switchboard.gateway.testing.GoldenFiles.render;
import static dev.switchboard.gateway.testing.GoldenFiles.renderEvents;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.switchboard.gateway.dialect.Untranslatable;
import dev.switchboard.gateway.testing.GoldenFiles;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Every direction of the Responses dialect as golden files: a /v1/responses request for a provider that takes chat, and
 * that provider's chat answer back as a Responses `response` or event stream. Streams without the upstream's
 * {@code [DONE]} are ended as the writer ends a stream cut short.
 */
class ResponsesGoldenTest {

    private static final long CREATED = 1_700_000_000L;
    /** The request the answers respond to: its settings are echoed in every response. */
    private static final JsonObject REQUEST = new JsonObject().put("model", "gpt-public").put("input", "hi")
            .put("instructions", "You are terse.").put("max_output_tokens", 200)
            .put("tools", new JsonArray().add(new JsonObject().put("type", "function").put("name", "get_weather")
                    .put("parameters", new JsonObject().put("type", "object"))));

    static Stream<String> responsesToChat() {
        return GoldenFiles.cases("responses/responses-to-chat");
    }

    static Stream<String> chatToResponse() {
        return GoldenFiles.cases("responses/chat-to-response");
    }

    static Stream<String> chunksToEvents() {
        return GoldenFiles.cases("responses/chunks-to-events");
    }

    private static ResponseShell shell() {
        return new ResponseShell(REQUEST, "resp_golden", "gpt-public", CREATED);
    }

    /** A Responses request for a provider of a type that takes chat (the endpoint's request side). */
    @ParameterizedTest
    @MethodSource
    void responsesToChat(String name) throws Untranslatable {
        String direction = "responses/responses-to-chat";
        assertMatches(direction, name, render(ResponsesToChat.translate(new JsonObject(input(direction, name)))));
    }

    /** A chat completion answering a /v1/responses request (the endpoint's answer side). */
    @ParameterizedTest
    @MethodSource
    void chatToResponse(String name) {
        String direction = "responses/chat-to-response";
        assertMatches(direction, name, render(ChatToResponse.translate(new JsonObject(input(direction, name)), shell())));
    }

    /** Chat chunks → the Responses event stream, as the endpoint's writer drives it. */
    @ParameterizedTest
    @MethodSource
    void chunksToEvents(String name) {
        String direction = "responses/chunks-to-events";
        ChunksToResponseEvents events = new ChunksToResponseEvents(shell());
        Buffer out = Buffer.buffer();
        events.start(out);
        for (Object item : new JsonArray(input(direction, name))) {
            Object data = ((JsonObject) item).getValue("data");
            if ("[DONE]".equals(data)) {
                events.finish(out);
            } else {
                events.chunk((JsonObject) data, out);
            }
        }
        if (!events.ended()) {
            events.error(out, "stream_interrupted", "The upstream ended the stream before it was complete.");
        }
        assertMatches(direction, name, renderEvents(out));
    }
}
