package dev.switchboard.gateway.dialect.ollama;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

import io.vertx.core.json.JsonObject;

/**
 * OpenAI ids and indexes for Ollama's tool calls. Ollama may leave calls without an id, but OpenAI clients need
 * one to answer a call: it is derived from the request id and the call's position, so the same request gives
 * the same ids streamed or not. Indexes run across the whole answer, as OpenAI's do.
 */
final class ToolCallIds {

    private final String prefix;
    private int count;

    ToolCallIds(String requestId) {
        CRC32 crc = new CRC32();
        crc.update(requestId.getBytes(StandardCharsets.UTF_8));
        this.prefix = "call_" + Long.toHexString(crc.getValue()) + "_";
    }

    /** The OpenAI id for the next call: Ollama's own when it sent one. */
    String next(JsonObject ollamaCall) {
        int index = count++;
        return ollamaCall.getValue("id") instanceof String id && !id.isEmpty() ? id : prefix + index;
    }

    /** Calls seen so far; the index of the next one. */
    int count() {
        return count;
    }
}
