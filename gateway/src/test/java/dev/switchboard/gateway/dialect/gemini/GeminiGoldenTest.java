package dev.switchboard.gateway.dialect.gemini;

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
 * Every direction of the Gemini dialect as golden files: OpenAI chat and embeddings requests out; answers, streams,
 * embeddings and errors back. A response case named {@code base64-*} is asked for in base64.
 */
class GeminiGoldenTest {

    private static final String MODEL = "gemini-2.0-flash";
    private static final long CREATED = 1_700_000_000L;

    static Stream<String> chatRequest() {
        return GoldenFiles.cases("gemini/chat-request");
    }

    static Stream<String> chatResponse() {
        return GoldenFiles.cases("gemini/chat-response");
    }

    static Stream<String> chatStream() {
        return GoldenFiles.cases("gemini/chat-stream");
    }

    static Stream<String> embeddingsRequest() {
        return GoldenFiles.cases("gemini/embeddings-request");
    }

    static Stream<String> embeddingsResponse() {
        return GoldenFiles.cases("gemini/embeddings-response");
    }

    static Stream<String> errors() {
        return GoldenFiles.cases("gemini/errors");
    }

    @ParameterizedTest
    @MethodSource
    void chatRequest(String name) throws Untranslatable {
        String direction = "gemini/chat-request";
        assertMatches(direction, name, render(GeminiRequests.chat(new JsonObject(input(direction, name)), false)));
    }

    @ParameterizedTest
    @MethodSource
    void chatResponse(String name) {
        String direction = "gemini/chat-response";
        assertMatches(direction, name, render(GeminiResponses.chatCompletion(new JsonObject(input(direction, name)), MODEL, "req-golden", CREATED)));
    }

    /** Gemini's `streamGenerateContent?alt=sse` events → OpenAI chunks, usage asked for. */
    @ParameterizedTest
    @MethodSource
    void chatStream(String name) {
        String direction = "gemini/chat-stream";
        Buffer out = Buffer.buffer();
        GeminiStream stream = new GeminiStream(out::appendBuffer, MODEL, "req-golden", CREATED, true, true);
        stream.feed(GoldenFiles.sse(new JsonArray(input(direction, name))));
        stream.end();
        assertMatches(direction, name, renderEvents(out));
    }

    @ParameterizedTest
    @MethodSource
    void embeddingsRequest(String name) throws Untranslatable {
        String direction = "gemini/embeddings-request";
        assertMatches(direction, name, render(GeminiEmbeddings.request(new JsonObject(input(direction, name)), "text-embedding-004")));
    }

    @ParameterizedTest
    @MethodSource
    void embeddingsResponse(String name) {
        String direction = "gemini/embeddings-response";
        assertMatches(direction, name,
                render(GeminiEmbeddings.response(new JsonObject(input(direction, name)), "text-embedding-004", name.startsWith("base64-"))));
    }

    /** Google's error envelope (status, body, the response's own Retry-After) → the status, OpenAI envelope and wait the gateway uses. */
    @ParameterizedTest
    @MethodSource
    void errors(String name) {
        String direction = "gemini/errors";
        JsonObject errorCase = new JsonObject(input(direction, name));
        GeminiErrors.Mapped mapped = GeminiErrors.map(errorCase.getInteger("status"), GoldenFiles.errorBody(errorCase),
                errorCase.getString("retryAfter"));
        assertMatches(direction, name, render(new JsonObject().put("status", mapped.status()).put("envelope", mapped.envelope())
                .put("retryAfter", mapped.retryAfter())));
    }
}
