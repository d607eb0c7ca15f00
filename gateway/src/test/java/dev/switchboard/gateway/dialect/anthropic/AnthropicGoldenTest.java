package dev.switchboard.gateway.dialect.anthropic;

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

/** Every direction of the Anthropic Messages dialect, requests and answers, whole and streamed, as golden files. */
class AnthropicGoldenTest {

    private static final long CREATED = 1_700_000_000L;

    static Stream<String> chatToMessages() {
        return GoldenFiles.cases("anthropic/chat-to-messages");
    }

    static Stream<String> messagesToChat() {
        return GoldenFiles.cases("anthropic/messages-to-chat");
    }

    static Stream<String> messageToChat() {
        return GoldenFiles.cases("anthropic/message-to-chat");
    }

    static Stream<String> chatToMessage() {
        return GoldenFiles.cases("anthropic/chat-to-message");
    }

    static Stream<String> messageStreamToChunks() {
        return GoldenFiles.cases("anthropic/message-stream-to-chunks");
    }

    static Stream<String> chunksToEvents() {
        return GoldenFiles.cases("anthropic/chunks-to-events");
    }

    static Stream<String> errors() {
        return GoldenFiles.cases("anthropic/errors");
    }

    /** An OpenAI chat request for an Anthropic provider (the adapter's request side). */
    @ParameterizedTest
    @MethodSource
    void chatToMessages(String name) throws Untranslatable {
        String direction = "anthropic/chat-to-messages";
        ChatToMessages.Translation translation = ChatToMessages.translate(new JsonObject(input(direction, name)));
        assertMatches(direction, name, render(new JsonObject()
                .put("body", translation.body())
                .put("includeUsage", translation.includeUsage())
                .put("jsonTool", translation.jsonTool())));
    }

    /** A /v1/messages request for a provider of another type (the endpoint's request side). */
    @ParameterizedTest
    @MethodSource
    void messagesToChat(String name) throws Untranslatable {
        String direction = "anthropic/messages-to-chat";
        assertMatches(direction, name, render(MessagesToChat.translate(new JsonObject(input(direction, name)))));
    }

    /** An Anthropic message answering an OpenAI chat request (the adapter's answer side). */
    @ParameterizedTest
    @MethodSource
    void messageToChat(String name) {
        String direction = "anthropic/message-to-chat";
        assertMatches(direction, name, render(MessageToChat.translate(new JsonObject(input(direction, name)), null, CREATED)));
    }

    /** An OpenAI chat completion answering a /v1/messages request (the endpoint's answer side). */
    @ParameterizedTest
    @MethodSource
    void chatToMessage(String name) {
        String direction = "anthropic/chat-to-message";
        assertMatches(direction, name, render(ChatToMessage.translate(new JsonObject(input(direction, name)), "msg_golden", "claude-public")));
    }

    /** Anthropic's stream events → OpenAI chunks, usage asked for. */
    @ParameterizedTest
    @MethodSource
    void messageStreamToChunks(String name) {
        String direction = "anthropic/message-stream-to-chunks";
        MessageStreamToChunks stream = new MessageStreamToChunks(null, true, CREATED);
        Buffer out = Buffer.buffer();
        for (Object event : new JsonArray(input(direction, name))) {
            stream.event(((JsonObject) event).getJsonObject("data"), out);
        }
        assertMatches(direction, name, renderEvents(out));
    }

    /** OpenAI chunks → Anthropic's stream events, as the endpoint's writer drives them. */
    @ParameterizedTest
    @MethodSource
    void chunksToEvents(String name) {
        String direction = "anthropic/chunks-to-events";
        ChunksToEvents events = new ChunksToEvents("msg_golden", "claude-public");
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
        assertMatches(direction, name, renderEvents(out));
    }

    /** Anthropic's error envelope with its status → the status and OpenAI envelope the gateway answers with (529 is 503). */
    @ParameterizedTest
    @MethodSource
    void errors(String name) {
        String direction = "anthropic/errors";
        JsonObject errorCase = new JsonObject(input(direction, name));
        AnthropicErrors.Mapped mapped = AnthropicErrors.map(errorCase.getInteger("status"), GoldenFiles.errorBody(errorCase));
        assertMatches(direction, name, render(new JsonObject().put("status", mapped.status()).put("envelope", mapped.envelope())));
    }
}
