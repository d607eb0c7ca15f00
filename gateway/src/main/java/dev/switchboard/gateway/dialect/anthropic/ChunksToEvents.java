package dev.switchboard.gateway.dialect.anthropic;

import java.util.HashMap;
import java.util.Map;

import dev.switchboard.gateway.dialect.openai.ChatChunks;
import dev.switchboard.gateway.dialect.openai.ChatChunkEvents;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Translates OpenAI `chat.completion.chunk` events into Anthropic's stream: `message_start` and a `ping`, then for
 * each run of reasoning, text or tool call a `content_block_start`, its deltas (`thinking_delta` closed by an empty
 * `signature_delta`, `text_delta`, `input_json_delta`) and a `content_block_stop`, and at the end `message_delta` (stop reason and usage) and `message_stop`. Anthropic
 * blocks cannot interleave, so the arguments of a tool call must arrive before the next call starts, which is how
 * OpenAI streams them. One instance per stream; not thread-safe.
 */
public final class ChunksToEvents extends ChatChunkEvents {

    private enum Open { NONE, THINKING, TEXT, TOOL }

    private final String id;
    private final String model;
    private final Map<Integer, Integer> toolBlocks = new HashMap<>();
    private Open open = Open.NONE;
    private int openToolIndex = -1;
    private int nextBlock;
    private String stopReason;

    public ChunksToEvents(String id, String model) {
        this.id = id;
        this.model = model;
    }

    /** Null until the upstream reported usage. */
    public AnthropicUsage usage() {
        return chatUsage() == null ? null : AnthropicUsage.fromOpenAi(chatUsage());
    }

    /** message_start and the first ping. */
    @Override
    protected void opening(Buffer out) {
        JsonObject message = new JsonObject().put("id", id).put("type", "message").put("role", "assistant").put("model", model)
                .put("content", new JsonArray()).put("stop_reason", null).put("stop_sequence", null)
                // The input token count is only known at the end of an OpenAI stream; message_delta carries it.
                .put("usage", AnthropicUsage.NONE.toAnthropic());
        event(out, "message_start", new JsonObject().put("type", "message_start").put("message", message));
        event(out, "ping", new JsonObject().put("type", "ping"));
    }

    @Override
    protected String translate(JsonObject chunk, Buffer out) {
        if (!(chunk.getValue("choices") instanceof JsonArray choices) || choices.isEmpty()) {
            return null;
        }
        JsonObject choice = choices.getJsonObject(0);
        JsonObject delta = choice.getJsonObject("delta", new JsonObject());
        if (delta.getValue("reasoning_content") instanceof String reasoning && !reasoning.isEmpty()) {
            generated(reasoning.length());
            open(out, Open.THINKING, new JsonObject().put("type", "thinking").put("thinking", "").put("signature", ""));
            blockDelta(out, new JsonObject().put("type", "thinking_delta").put("thinking", reasoning));
        }
        if (delta.getValue("content") instanceof String text && !text.isEmpty()) {
            generated(text.length());
            open(out, Open.TEXT, new JsonObject().put("type", "text").put("text", ""));
            blockDelta(out, new JsonObject().put("type", "text_delta").put("text", text));
        }
        String problem = ChatChunks.toolCalls(delta, call -> toolCall(call, out));
        if (problem != null) {
            return problem;
        }
        if (choice.getValue("finish_reason") instanceof String finish) {
            sawFinish();
            closeBlock(out);
            stopReason = StopReasons.toStopReason(finish);
        }
        return null;
    }

    private String toolCall(JsonObject call, Buffer out) {
        int index = call.getInteger("index", 0);
        JsonObject function = call.getJsonObject("function", new JsonObject());
        generated((function.getValue("name") instanceof String name ? name.length() : 0)
                + (function.getValue("arguments") instanceof String arguments ? arguments.length() : 0));
        if (!toolBlocks.containsKey(index)) {
            closeBlock(out);
            open = Open.TOOL;
            openToolIndex = index;
            toolBlocks.put(index, nextBlock);
            event(out, "content_block_start", new JsonObject().put("type", "content_block_start").put("index", nextBlock)
                    .put("content_block", new JsonObject().put("type", "tool_use").put("id", call.getString("id"))
                            .put("name", function.getString("name")).put("input", new JsonObject())));
        } else if (open != Open.TOOL || openToolIndex != index) {
            return "The upstream interleaved the arguments of parallel tool calls, which Anthropic's stream cannot carry.";
        }
        if (function.getValue("arguments") instanceof String arguments && !arguments.isEmpty()) {
            blockDelta(out, new JsonObject().put("type", "input_json_delta").put("partial_json", arguments));
        }
        return null;
    }

    /** message_delta and message_stop, on the upstream's [DONE]. */
    @Override
    protected void closing(Buffer out) {
        closeBlock(out);
        JsonObject deltaUsage = AnthropicUsage.fromOpenAi(chatUsage()).toAnthropic();
        event(out, "message_delta", new JsonObject().put("type", "message_delta")
                .put("delta", new JsonObject().put("stop_reason", stopReason == null ? "end_turn" : stopReason).put("stop_sequence", null))
                .put("usage", deltaUsage));
        event(out, "message_stop", new JsonObject().put("type", "message_stop"));
    }

    /** An `error` event; the stream ends with it. */
    @Override
    protected void failing(Buffer out, String type, String message) {
        event(out, "error", new AnthropicError(500, type, message).toJson());
    }

    /** The provider's error event as Anthropic's: overload is `overloaded_error`, anything else `api_error`. */
    @Override
    public void upstreamError(Buffer out, JsonObject error) {
        error(out, error.getValue("code") instanceof String code && code.contains("overload") ? "overloaded_error" : "api_error",
                error.getString("message", "The upstream stream failed."));
    }

    /** Starts a block of this kind unless one is open. */
    private void open(Buffer out, Open kind, JsonObject block) {
        if (open != kind) {
            closeBlock(out);
            open = kind;
            event(out, "content_block_start", new JsonObject().put("type", "content_block_start").put("index", nextBlock)
                    .put("content_block", block));
        }
    }

    private void closeBlock(Buffer out) {
        if (open == Open.THINKING) {
            // Anthropic closes every thinking block with its signature; reasoning from elsewhere has none to give.
            blockDelta(out, new JsonObject().put("type", "signature_delta").put("signature", ""));
        }
        if (open != Open.NONE) {
            event(out, "content_block_stop", new JsonObject().put("type", "content_block_stop").put("index", nextBlock));
            nextBlock++;
            open = Open.NONE;
            openToolIndex = -1;
        }
    }

    private void blockDelta(Buffer out, JsonObject delta) {
        event(out, "content_block_delta", new JsonObject().put("type", "content_block_delta").put("index", nextBlock).put("delta", delta));
    }

    static void event(Buffer out, String name, JsonObject data) {
        out.appendString("event: ").appendString(name).appendString("\ndata: ").appendBuffer(data.toBuffer()).appendString("\n\n");
    }
}
