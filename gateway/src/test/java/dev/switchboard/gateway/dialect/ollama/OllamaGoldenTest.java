package dev.switchboard.gateway.dialect.ollama;

import static dev.switchboard.gateway.testing.GoldenFiles.assertMatches;
import static dev.switchboard.gateway.testing.GoldenFiles.input;
import static dev.switchboard.gateway.testing.GoldenFiles.render;
import static dev.switchboard.gateway.testing.GoldenFiles.renderEvents;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.dialect.Untranslatable;
import dev.switchboard.gateway.testing.GoldenFiles;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Every direction of the Ollama dialect as golden files: OpenAI chat, completions and embeddings requests out; their
 * answers, NDJSON streams and errors back. A response case named {@code base64-*} is asked for in base64.
 */
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

    static Stream<String> completionsRequest() {
        return GoldenFiles.cases("ollama/completions-request");
    }

    static Stream<String> completionsResponse() {
        return GoldenFiles.cases("ollama/completions-response");
    }

    static Stream<String> completionsStream() {
        return GoldenFiles.cases("ollama/completions-stream");
    }

    static Stream<String> embeddingsRequest() {
        return GoldenFiles.cases("ollama/embeddings-request");
    }

    static Stream<String> embeddingsResponse() {
        return GoldenFiles.cases("ollama/embeddings-response");
    }

    static Stream<String> errors() {
        return GoldenFiles.cases("ollama/errors");
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
        assertStream("ollama/chat-stream", name, true, "chatcmpl-golden");
    }

    @ParameterizedTest
    @MethodSource
    void completionsRequest(String name) throws Untranslatable {
        String direction = "ollama/completions-request";
        assertMatches(direction, name, render(OllamaRequests.generate(new JsonObject(input(direction, name)), false)));
    }

    @ParameterizedTest
    @MethodSource
    void completionsResponse(String name) {
        String direction = "ollama/completions-response";
        assertMatches(direction, name, render(OllamaResponses.textCompletion(new JsonObject(input(direction, name)), "cmpl-golden")));
    }

    /** `/api/generate`'s NDJSON lines → OpenAI text_completion chunks, usage asked for. */
    @ParameterizedTest
    @MethodSource
    void completionsStream(String name) {
        assertStream("ollama/completions-stream", name, false, "cmpl-golden");
    }

    @ParameterizedTest
    @MethodSource
    void embeddingsRequest(String name) throws Untranslatable {
        String direction = "ollama/embeddings-request";
        assertMatches(direction, name, render(OllamaRequests.embed(new JsonObject(input(direction, name)))));
    }

    @ParameterizedTest
    @MethodSource
    void embeddingsResponse(String name) {
        String direction = "ollama/embeddings-response";
        assertMatches(direction, name, render(OllamaResponses.embeddings(new JsonObject(input(direction, name)), name.startsWith("base64-"))));
    }

    /** Ollama's `{"error": "..."}` with its status → the OpenAI error the gateway answers with. */
    @ParameterizedTest
    @MethodSource
    void errors(String name) {
        String direction = "ollama/errors";
        JsonObject errorCase = new JsonObject(input(direction, name));
        ApiError error = OllamaResponses.error(errorCase.getInteger("status"), GoldenFiles.errorBody(errorCase));
        assertMatches(direction, name, render(new JsonObject().put("status", error.status()).put("envelope", error.toJson())));
    }

    private static void assertStream(String direction, String name, boolean chat, String id) {
        OllamaStream stream = new OllamaStream(chat, id, true, new ToolCallIds("golden"));
        Buffer out = Buffer.buffer();
        for (Object line : new JsonArray(input(direction, name))) {
            stream.line((JsonObject) line, out);
        }
        assertMatches(direction, name, renderEvents(out));
    }
}
