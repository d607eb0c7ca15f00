package dev.switchboard.gateway.dialect.gemini;

import java.util.function.Consumer;

import dev.switchboard.gateway.dialect.FrameDecoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Gemini's `streamGenerateContent?alt=sse` events → OpenAI chunks in OpenAI's order: the role first, then content
 * and tool-call deltas (each function call arrives whole, so it is one delta with its index, id, name and complete
 * arguments), then the finish reason, then the usage chunk when the request asked for it, then `[DONE]`. Gemini
 * sends the finish reason and the final usage in its last event, so both are held until the upstream stream ends;
 * a stream that ends without a finish reason gets no `[DONE]`, which the relay reports as an interrupted stream.
 */
final class GeminiStream {

    private final Consumer<Buffer> out;
    private final String model;
    private final String requestId;
    private final long created;
    private final boolean chat;
    private final boolean includeUsage;
    private final FrameDecoder lines = FrameDecoder.sseData((name, data) -> event(data));
    private String responseId;
    private boolean started;
    private int toolCalls;
    private String finishReason;
    private JsonObject usageMetadata;
    private boolean failed;

    GeminiStream(Consumer<Buffer> out, String model, String requestId, long created, boolean chat, boolean includeUsage) {
        this.out = out;
        this.model = model;
        this.requestId = requestId;
        this.created = created;
        this.chat = chat;
        this.includeUsage = includeUsage;
    }

    void feed(Buffer bytes) {
        lines.feed(bytes);
    }

    /** The upstream ended: close the OpenAI stream if Gemini finished it. */
    void end() {
        lines.finish();
        if (failed || finishReason == null) {
            return;
        }
        Buffer tail = Buffer.buffer();
        if (chat && !started) {
            append(tail, chunk(roleDelta(""), null));
        }
        append(tail, chunk(chat ? new JsonObject() : null, finishReason));
        if (includeUsage && usageMetadata != null) {
            append(tail, base().put("choices", new JsonArray()).put("usage", GeminiResponses.usage(usageMetadata)));
        }
        tail.appendString("data: [DONE]\n\n");
        out.accept(tail);
    }

    private void event(String data) {
        if (failed) {
            return;
        }
        JsonObject event;
        try {
            event = new JsonObject(data);
        } catch (DecodeException | ClassCastException e) {
            failed = true;
            out.accept(sse(GeminiErrors.envelope("upstream_error", "upstream_invalid_response",
                    "The Gemini stream carried an event that is not a JSON object.")));
            return;
        }
        if (event.getValue("error") instanceof JsonObject) {
            failed = true;
            GeminiErrors.Mapped mapped = GeminiErrors.map(500, Buffer.buffer(data), null);
            out.accept(sse(mapped.envelope()));
            return;
        }
        if (responseId == null) {
            responseId = GeminiResponses.responseId(event, requestId);
        }
        if (event.getValue("usageMetadata") instanceof JsonObject usage) {
            usageMetadata = usage;
        }
        Buffer batch = Buffer.buffer();
        JsonArray candidates = event.getJsonArray("candidates");
        if (candidates == null || candidates.isEmpty()) {
            if (event.getValue("promptFeedback") instanceof JsonObject feedback && feedback.getValue("blockReason") != null) {
                finishReason = "content_filter";
            }
            return;
        }
        JsonObject candidate = candidates.getJsonObject(0);
        GeminiResponses.Content content = GeminiResponses.content(candidate, responseId, toolCalls);
        String text = content.text();
        if (chat && !started) {
            started = true;
            // The role chunk carries the first text, unless reasoning comes before it.
            String first = content.reasoning() == null && text != null ? text : "";
            append(batch, chunk(roleDelta(first), null));
            text = first.isEmpty() ? text : null;
        }
        if (chat && content.reasoning() != null) {
            append(batch, chunk(new JsonObject().put("reasoning_content", content.reasoning()), null));
        }
        if (text != null && !text.isEmpty()) {
            append(batch, chunk(chat ? new JsonObject().put("content", text) : null, null, text));
        }
        for (Object call : content.toolCalls()) {
            toolCalls++;
            append(batch, chunk(new JsonObject().put("tool_calls", new JsonArray().add(call)), null));
        }
        String reason = GeminiResponses.finishReason(candidate.getString("finishReason"), toolCalls > 0);
        if (reason != null) {
            finishReason = reason;
        }
        if (batch.length() > 0) {
            out.accept(batch);
        }
    }

    /** The first delta of a chat stream carries the role, as OpenAI's does. */
    private static JsonObject roleDelta(String text) {
        return new JsonObject().put("role", "assistant").put("content", text);
    }

    private JsonObject chunk(JsonObject delta, String finish) {
        return chunk(delta, finish, "");
    }

    private JsonObject chunk(JsonObject delta, String finish, String text) {
        JsonObject choice = new JsonObject().put("index", 0);
        if (chat) {
            choice.put("delta", delta == null ? new JsonObject() : delta);
        } else {
            choice.put("text", text);
        }
        choice.putNull("logprobs").put("finish_reason", finish);
        return base().put("choices", new JsonArray().add(choice));
    }

    private JsonObject base() {
        String id = responseId == null ? requestId : responseId;
        return new JsonObject().put("id", (chat ? "chatcmpl-" : "cmpl-") + id)
                .put("object", chat ? "chat.completion.chunk" : "text_completion").put("created", created).put("model", model);
    }

    private static void append(Buffer batch, JsonObject chunk) {
        batch.appendString("data: ").appendString(chunk.encode()).appendString("\n\n");
    }

    private static Buffer sse(JsonObject data) {
        return Buffer.buffer("data: " + data.encode() + "\n\n");
    }
}
