package dev.switchboard.gateway.dialect.responses;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Translates an OpenAI `chat.completion` into a Responses API `response`: reasoning (`reasoning_content`, and the signed
 * `thinking_blocks` as its `encrypted_content`) becomes a reasoning item, the message's text and refusal a message item, each tool call a function_call item, in that order.
 */
public final class ChatToResponse {

    private ChatToResponse() {
    }

    /** @throws IllegalArgumentException when the completion has no choice */
    public static JsonObject translate(JsonObject completion, ResponseShell shell) {
        if (!(completion.getValue("choices") instanceof JsonArray choices) || choices.isEmpty()
                || !(choices.getValue(0) instanceof JsonObject choice)) {
            throw new IllegalArgumentException("the completion has no choices");
        }
        JsonObject message = choice.getValue("message") instanceof JsonObject m ? m : new JsonObject();
        JsonArray output = new JsonArray();
        JsonArray signed = message.getValue("thinking_blocks") instanceof JsonArray blocks ? blocks : null;
        String reasoning = message.getValue("reasoning_content") instanceof String r ? r : "";
        if (!reasoning.isEmpty() || signed != null && !signed.isEmpty()) {
            JsonArray content = reasoning.isEmpty() ? new JsonArray() : new JsonArray().add(ResponseShell.reasoningText(reasoning));
            output.add(ResponseShell.withSignedThinking(ResponseShell.reasoning(shell.itemId("rs", output.size()), content), signed));
        }
        JsonArray content = new JsonArray();
        if (message.getValue("content") instanceof String text && !text.isEmpty()) {
            content.add(ResponseShell.outputText(text));
        }
        if (message.getValue("refusal") instanceof String refusal && !refusal.isEmpty()) {
            content.add(ResponseShell.refusal(refusal));
        }
        if (!content.isEmpty()) {
            output.add(ResponseShell.message(shell.itemId("msg", output.size()), "completed", content));
        }
        if (message.getValue("tool_calls") instanceof JsonArray calls) {
            for (int i = 0; i < calls.size(); i++) {
                JsonObject call = calls.getJsonObject(i);
                JsonObject function = call.getValue("function") instanceof JsonObject f ? f : new JsonObject();
                output.add(ResponseShell.functionCall(shell.itemId("fc", output.size()), "completed", call.getString("id"),
                        function.getString("name"), function.getValue("arguments") instanceof String a ? a : "{}"));
            }
        }
        return shell.finished(choice.getValue("finish_reason") instanceof String r ? r : null, output,
                completion.getValue("usage") instanceof JsonObject u ? u : null);
    }
}
