package dev.switchboard.gateway.dialect.anthropic;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Translates an OpenAI `chat.completion` into an Anthropic `message` (for /v1/messages served by OpenAI-format providers). */
public final class ChatToMessage {

    private ChatToMessage() {
    }

    /** @throws IllegalArgumentException when the completion has no choice or a tool call's arguments are not a JSON object */
    public static JsonObject translate(JsonObject completion, String id, String model) {
        JsonArray choices = completion.getJsonArray("choices");
        if (choices == null || choices.isEmpty()) {
            throw new IllegalArgumentException("the completion has no choices");
        }
        JsonObject choice = choices.getJsonObject(0);
        JsonObject message = choice.getJsonObject("message", new JsonObject());
        JsonArray content = new JsonArray();
        if (message.getValue("reasoning_content") instanceof String reasoning && !reasoning.isEmpty()) {
            content.add(thinking(reasoning));
        }
        if (message.getValue("content") instanceof String text && !text.isEmpty()) {
            content.add(new JsonObject().put("type", "text").put("text", text));
        }
        if (message.getValue("tool_calls") instanceof JsonArray calls) {
            for (int i = 0; i < calls.size(); i++) {
                JsonObject call = calls.getJsonObject(i);
                JsonObject function = call.getJsonObject("function", new JsonObject());
                content.add(new JsonObject().put("type", "tool_use").put("id", call.getString("id"))
                        .put("name", function.getString("name")).put("input", arguments(function.getString("arguments"))));
            }
        }
        AnthropicUsage usage = AnthropicUsage.fromOpenAi(completion.getJsonObject("usage"));
        return new JsonObject()
                .put("id", id)
                .put("type", "message")
                .put("role", "assistant")
                .put("model", model)
                .put("content", content)
                .put("stop_reason", StopReasons.toStopReason(choice.getString("finish_reason", "stop")))
                .put("stop_sequence", null)
                .put("usage", usage.toAnthropic());
    }

    /**
     * A thinking block for reasoning another provider did: its signature is empty, since only Anthropic can sign
     * thinking. Sent back in history it is dropped for other targets and refused by Anthropic's own.
     */
    static JsonObject thinking(String text) {
        return new JsonObject().put("type", "thinking").put("thinking", text).put("signature", "");
    }

    static JsonObject arguments(String arguments) {
        if (arguments == null || arguments.isBlank()) {
            return new JsonObject();
        }
        try {
            return new JsonObject(arguments);
        } catch (DecodeException | ClassCastException e) {
            throw new IllegalArgumentException("tool call arguments are not a JSON object");
        }
    }
}
