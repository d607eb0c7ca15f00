package dev.switchboard.gateway.dialect.anthropic;

import java.util.HashMap;
import java.util.Map;

import dev.switchboard.gateway.dialect.openai.ChatChunks;
import dev.switchboard.gateway.dialect.openai.ChatEventStream;
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
public final class ChunksToEvents implements ChatEventStream.Events {

    private enum Open { NONE, THINKING, TEXT, TOOL }

    private final String id;
    private final String model;
    private final Map<Integer, Integer> toolBlocks = new HashMap<>();
    private boolean started;
    private Open open = Open.NONE;
    private int openToolIndex = -1;
    private int nextBlock;
    private String stopReason;
    private AnthropicUsage usage = AnthropicUsage.NONE;
    private boolean usageSeen;
    private boolean finishSeen;
    private long generatedChars;
    private boolean ended;

    public ChunksToEvents(String id, String model) {
        this.id = id;
        this.model = model;
    }

    @Override
    public boolean ended() {
        return ended;
    }

    /** Characters of generated text, tool names and tool arguments translated so far. */
    @Override
    public long generatedChars() {
        return generatedChars;
    }

    /** The upstream sent its finish reason: the content is complete, only usage and [DONE] may follow. */
    @Override
    public boolean finishSeen() {
        return finishSeen;
    }

    @Override
    public boolean usageSeen() {
        return usageSeen;
    }

    /** Null until the upstream reported usage. */
    public AnthropicUsage usage() {
        return usageSeen ? usage : null;
    }

    /** message_start and the first ping: sent as soon as the upstream answers, before any content. */
    @Override
    public void start(Buffer out) {
        if (started) {
            return;
        }
        started = true;
        JsonObject message = new JsonObject().put("id", id).put("type", "message").put("role", "assistant").put("model", model)
                .put("content", new JsonArray()).put("stop_reason", null).put("stop_sequence", null)
                // The input token count is only known at the end of an OpenAI stream; message_delta carries it.
                .put("usage", AnthropicUsage.NONE.toAnthropic());
        event(out, "message_start", new JsonObject().put("type", "message_start").put("message", message));
        event(out, "ping", new JsonObject().put("type", "ping"));
    }

    /** Translates one chunk. Returns an error message when the chunk cannot be represented, else null. */
    @Override
    public String chunk(JsonObject chunk, Buffer out) {
        if (ended) {
            return null;
        }
        start(out);
        if (chunk.getValue("usage") instanceof JsonObject u) {
            usage = AnthropicUsage.fromOpenAi(u);
            usageSeen = true;
        }
        if (!(chunk.getValue("choices") instanceof JsonArray choices) || choices.isEmpty()) {
            return null;
        }
        JsonObject choice = choices.getJsonObject(0);
        JsonObject delta = choice.getJsonObject("delta", new JsonObject());
        if (delta.getValue("reasoning_content") instanceof String reasoning && !reasoning.isEmpty()) {
            generatedChars += reasoning.length();
            open(out, Open.THINKING, new JsonObject().put("type", "thinking").put("thinking", "").put("signature", ""));
            blockDelta(out, new JsonObject().put("type", "thinking_delta").put("thinking", reasoning));
        }
        if (delta.getValue("content") instanceof String text && !text.isEmpty()) {
            generatedChars += text.length();
            open(out, Open.TEXT, new JsonObject().put("type", "text").put("text", ""));
            blockDelta(out, new JsonObject().put("type", "text_delta").put("text", text));
        }
        String problem = ChatChunks.toolCalls(delta, call -> toolCall(call, out));
        if (problem != null) {
            return problem;
        }
        if (choice.getValue("finish_reason") instanceof String finish) {
            finishSeen = true;
            closeBlock(out);
            stopReason = StopReasons.toStopReason(finish);
        }
        return null;
    }

    private String toolCall(JsonObject call, Buffer out) {
        int index = call.getInteger("index", 0);
        JsonObject function = call.getJsonObject("function", new JsonObject());
        generatedChars += (function.getValue("name") instanceof String name ? name.length() : 0)
                + (function.getValue("arguments") instanceof String arguments ? arguments.length() : 0);
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
    public void finish(Buffer out) {
        if (ended) {
            return;
        }
        start(out);
        closeBlock(out);
        ended = true;
        JsonObject deltaUsage = usage.toAnthropic();
        event(out, "message_delta", new JsonObject().put("type", "message_delta")
                .put("delta", new JsonObject().put("stop_reason", stopReason == null ? "end_turn" : stopReason).put("stop_sequence", null))
                .put("usage", deltaUsage));
        event(out, "message_stop", new JsonObject().put("type", "message_stop"));
    }

    /** An `error` event; the stream ends with it. */
    @Override
    public void error(Buffer out, String type, String message) {
        if (ended) {
            return;
        }
        ended = true;
        event(out, "error", new AnthropicError(500, type, message).toJson());
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
