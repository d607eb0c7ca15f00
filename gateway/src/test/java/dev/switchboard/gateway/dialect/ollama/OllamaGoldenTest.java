package dev.switchboard.gateway.dialect.ollama;

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

/** Every direction of the Ollama dialect: OpenAI chat requests out, answers and NDJSON streams back, as golden files. */
class OllamaGoldenTest {

    static Stream<String> chatRequest() {
        return GoldenFiles.cases("ollama/chat-request");
    }

    static Stream<String> chatResponse() {
        return GoldenFiles.cases("ollama/chat-response");
    }

    static Stream<String> chatStream() {
        return GoldenFiles.cases("ollama/chat-stream");
    }

    @ParameterizedTest
    @MethodSource
    void chatRequest(String name) throws Untranslatable {
        String direction = "ollama/chat-request";
        assertMatches(direction, name, render(OllamaRequests.chat(new JsonObject(input(direction, name)), false)));
    }

    @ParameterizedTest
    @MethodSource
    void chatResponse(String name) {
        String direction = "ollama/chat-response";
        assertMatches(direction, name, render(OllamaResponses.chatCompletion(new JsonObject(input(direction, name)), "chatcmpl-golden",
                new ToolCallIds("golden"))));
    }

    /** Ollama's NDJSON lines (the input array, one object per line) → OpenAI chunks, usage asked for. */
    @ParameterizedTest
    @MethodSource
    void chatStream(String name) {
        String direction = "ollama/chat-stream";
        OllamaStream stream = new OllamaStream(true, "chatcmpl-golden", true, new ToolCallIds("golden"));
        Buffer out = Buffer.buffer();
        for (Object line : new JsonArray(input(direction, name))) {
            stream.line((JsonObject) line, out);
        }
        assertMatches(direction, name, renderEvents(out));
    }
}
