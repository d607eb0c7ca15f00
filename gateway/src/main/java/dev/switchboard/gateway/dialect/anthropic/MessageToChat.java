package dev.switchboard.gateway.dialect.anthropic;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Translates a complete Anthropic `message` response into an OpenAI `chat.completion`. */
public final class MessageToChat {

    private MessageToChat() {
    }

    /**
     * @param jsonTool the forced JSON-mode tool (see {@link ChatToMessages#JSON_TOOL}) whose input is the answer
     *        text, or null
     */
    public static JsonObject translate(JsonObject message, String jsonTool, long created) {
        StringBuilder text = new StringBuilder();
        StringBuilder reasoning = new StringBuilder();
        JsonArray thinking = new JsonArray();
        JsonArray toolCalls = new JsonArray();
        boolean jsonAnswer = false;
        JsonArray content = message.getJsonArray("content", new JsonArray());
        for (int i = 0; i < content.size(); i++) {
            JsonObject block = content.getJsonObject(i);
            switch (block.getString("type", "")) {
                case "text" -> text.append(block.getString("text", ""));
                case "tool_use" -> {
                    JsonObject input = block.getJsonObject("input", new JsonObject());
                    if (block.getString("name", "").equals(jsonTool)) {
                        text.append(input.encode());
                        jsonAnswer = true;
                    } else {
                        toolCalls.add(new JsonObject().put("id", block.getString("id")).put("type", "function")
                                .put("function", new JsonObject().put("name", block.getString("name")).put("arguments", input.encode())));
                    }
                }
                case "thinking" -> {
                    reasoning.append(block.getString("thinking", ""));
                    thinking.add(block.copy());
                }
                case "redacted_thinking" -> thinking.add(block.copy());
                // Server-tool blocks only come back for features the translation never requests.
                default -> {
                }
            }
        }
        JsonObject reply = new JsonObject().put("role", "assistant")
                .put("content", text.length() == 0 && !toolCalls.isEmpty() ? null : text.toString())
                .put("refusal", null);
        if (!toolCalls.isEmpty()) {
            reply.put("tool_calls", toolCalls);
        }
        if (!thinking.isEmpty()) {
            // reasoning_content is what chat clients read; thinking_blocks keep the signatures Anthropic needs back.
            reply.put("reasoning_content", reasoning.toString()).put("thinking_blocks", thinking);
        }
        String finish = jsonAnswer ? "stop" : StopReasons.toFinishReason(message.getString("stop_reason"));
        JsonObject choice = new JsonObject().put("index", 0).put("message", reply).put("logprobs", null).put("finish_reason", finish);
        AnthropicUsage usage = AnthropicUsage.fromAnthropic(message.getJsonObject("usage"), AnthropicUsage.NONE);
        return new JsonObject()
                .put("id", message.getString("id"))
                .put("object", "chat.completion")
                .put("created", created)
                .put("model", message.getString("model"))
                .put("choices", new JsonArray().add(choice))
                .put("usage", usage.toOpenAi());
    }
}
