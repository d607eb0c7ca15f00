package dev.switchboard.gateway.dialect.anthropic;

import java.util.HashMap;
import java.util.Map;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Translates Anthropic's streaming events into OpenAI `chat.completion.chunk` events, in OpenAI's order: the
 * role first, then content deltas and tool-call deltas (index, id and name first, then argument fragments),
 * the finish reason, the usage chunk when asked for, and `[DONE]`. Thinking streams as `reasoning_content` deltas;
 * when a thinking block's signature arrives, one `thinking_blocks` delta carries the whole signed block (and a
 * redacted block its data), which is what a client sends back to continue a tool use. One instance per stream;
 * not thread-safe.
 */
public final class MessageStreamToChunks {

    private enum Block { TEXT, THINKING, TOOL, JSON_ANSWER, OTHER }

    private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

    private final String jsonTool;
    private final boolean includeUsage;
    private final long created;
    private final Map<Integer, Block> blocks = new HashMap<>();
    private final Map<Integer, Integer> toolIndexes = new HashMap<>();
    private String id = "msg";
    private String model;
    private int nextToolIndex;
    private final StringBuilder thinking = new StringBuilder();
    private boolean jsonAnswer;
    private String finishReason;
    private AnthropicUsage usage = AnthropicUsage.NONE;
    private boolean ended;

    public MessageStreamToChunks(String jsonTool, boolean includeUsage, long created) {
        this.jsonTool = jsonTool;
        this.includeUsage = includeUsage;
        this.created = created;
    }

    /** True once the stream is complete ([DONE] written) or ended with an error event. */
    public boolean ended() {
        return ended;
    }

    public AnthropicUsage usage() {
        return usage;
    }

    /** Appends the OpenAI events for one Anthropic event (its `type` field decides, as in the SDKs). */
    public void event(JsonObject event, Buffer out) {
        if (ended) {
            return;
        }
        switch (event.getString("type", "")) {
            case "message_start" -> {
                JsonObject message = event.getJsonObject("message", new JsonObject());
                id = message.getString("id", id);
                model = message.getString("model");
                usage = AnthropicUsage.fromAnthropic(message.getJsonObject("usage"), usage);
                emit(out, new JsonObject().put("role", "assistant").put("content", ""), null);
            }
            case "content_block_start" -> blockStart(event.getInteger("index", 0), event.getJsonObject("content_block", new JsonObject()), out);
            case "content_block_delta" -> blockDelta(event.getInteger("index", 0), event.getJsonObject("delta", new JsonObject()), out);
            case "message_delta" -> {
                JsonObject delta = event.getJsonObject("delta", new JsonObject());
                finishReason = jsonAnswer ? "stop" : StopReasons.toFinishReason(delta.getString("stop_reason"));
                usage = AnthropicUsage.fromAnthropic(event.getJsonObject("usage"), usage);
                emit(out, new JsonObject(), finishReason == null ? "stop" : finishReason);
            }
            case "message_stop" -> {
                if (includeUsage) {
                    out.appendString("data: ").appendBuffer(base().put("choices", new JsonArray()).put("usage", usage.toOpenAi()).toBuffer())
                            .appendString("\n\n");
                }
                out.appendBuffer(DONE);
                ended = true;
            }
            case "error" -> {
                JsonObject error = event.getJsonObject("error", new JsonObject());
                out.appendString("data: ").appendBuffer(AnthropicErrors.streamError(error).toBuffer()).appendString("\n\n");
                ended = true;
            }
            // ping, content_block_stop and event types added to the API later carry nothing OpenAI can show.
            default -> {
            }
        }
    }

    private void blockStart(int index, JsonObject block, Buffer out) {
        switch (block.getString("type", "")) {
            case "text" -> {
                blocks.put(index, Block.TEXT);
                String text = block.getString("text", "");
                if (!text.isEmpty()) {
                    emit(out, new JsonObject().put("content", text), null);
                }
            }
            case "tool_use" -> {
                if (block.getString("name", "").equals(jsonTool)) {
                    blocks.put(index, Block.JSON_ANSWER);
                    jsonAnswer = true;
                    return;
                }
                blocks.put(index, Block.TOOL);
                int toolIndex = nextToolIndex++;
                toolIndexes.put(index, toolIndex);
                JsonObject call = new JsonObject().put("index", toolIndex).put("id", block.getString("id")).put("type", "function")
                        .put("function", new JsonObject().put("name", block.getString("name")).put("arguments", ""));
                emit(out, new JsonObject().put("tool_calls", new JsonArray().add(call)), null);
            }
            case "thinking" -> {
                blocks.put(index, Block.THINKING);
                thinking.setLength(0);
                reasoning(block.getString("thinking", ""), out);
            }
            case "redacted_thinking" -> {
                blocks.put(index, Block.OTHER);
                emit(out, new JsonObject().put("thinking_blocks", new JsonArray().add(block.copy())), null);
            }
            default -> blocks.put(index, Block.OTHER);
        }
    }

    private void reasoning(String text, Buffer out) {
        if (!text.isEmpty()) {
            thinking.append(text);
            emit(out, new JsonObject().put("reasoning_content", text), null);
        }
    }

    private void blockDelta(int index, JsonObject delta, Buffer out) {
        Block block = blocks.getOrDefault(index, Block.OTHER);
        String type = delta.getString("type", "");
        if (block == Block.TEXT && type.equals("text_delta")) {
            emit(out, new JsonObject().put("content", delta.getString("text", "")), null);
        } else if (block == Block.THINKING && type.equals("thinking_delta")) {
            reasoning(delta.getString("thinking", ""), out);
        } else if (block == Block.THINKING && type.equals("signature_delta")) {
            JsonObject signed = new JsonObject().put("type", "thinking").put("thinking", thinking.toString())
                    .put("signature", delta.getString("signature", ""));
            emit(out, new JsonObject().put("thinking_blocks", new JsonArray().add(signed)), null);
        } else if (type.equals("input_json_delta")) {
            String partial = delta.getString("partial_json", "");
            if (partial.isEmpty()) {
                return;
            }
            if (block == Block.JSON_ANSWER) {
                emit(out, new JsonObject().put("content", partial), null);
            } else if (block == Block.TOOL) {
                JsonObject call = new JsonObject().put("index", toolIndexes.get(index))
                        .put("function", new JsonObject().put("arguments", partial));
                emit(out, new JsonObject().put("tool_calls", new JsonArray().add(call)), null);
            }
        }
    }

    private JsonObject base() {
        return new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", created).put("model", model);
    }

    private void emit(Buffer out, JsonObject delta, String finish) {
        JsonObject choice = new JsonObject().put("index", 0).put("delta", delta).put("logprobs", null).put("finish_reason", finish);
        out.appendString("data: ").appendBuffer(base().put("choices", new JsonArray().add(choice)).toBuffer()).appendString("\n\n");
    }
}
