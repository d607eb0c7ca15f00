package dev.switchboard.gateway.dialect.gemini;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Gemini `GenerateContentResponse` → OpenAI `chat.completion` / `text_completion`, and the shared pieces. */
final class GeminiResponses {

    private GeminiResponses() {
    }

    /** OpenAI's finish_reason for a Gemini finishReason; null while the candidate is unfinished. */
    static String finishReason(String reason, boolean calledFunctions) {
        if (reason == null || reason.isEmpty()) {
            return null;
        }
        return switch (reason) {
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "LANGUAGE" -> "content_filter";
            // STOP, and the rest (OTHER, MALFORMED_FUNCTION_CALL, ...) which OpenAI has no name for.
            default -> calledFunctions ? "tool_calls" : "stop";
        };
    }

    /** OpenAI usage from Gemini usageMetadata; thinking tokens count as completion tokens, as OpenAI's reasoning tokens do. */
    static JsonObject usage(JsonObject metadata) {
        int prompt = metadata.getInteger("promptTokenCount", 0) + metadata.getInteger("toolUsePromptTokenCount", 0);
        int thoughts = metadata.getInteger("thoughtsTokenCount", 0);
        int completion = metadata.getInteger("candidatesTokenCount", 0) + thoughts;
        return new JsonObject()
                .put("prompt_tokens", prompt)
                .put("completion_tokens", completion)
                .put("total_tokens", metadata.getInteger("totalTokenCount", prompt + completion))
                .put("prompt_tokens_details", new JsonObject().put("cached_tokens", metadata.getInteger("cachedContentTokenCount", 0)))
                .put("completion_tokens_details", new JsonObject().put("reasoning_tokens", thoughts));
    }

    /** The text, thought summaries (reasoning, null when none) and function calls of one candidate. */
    record Content(String text, String reasoning, JsonArray toolCalls) {
    }

    static Content content(JsonObject candidate, String responseId, int firstToolIndex) {
        StringBuilder text = null;
        StringBuilder reasoning = null;
        JsonArray toolCalls = new JsonArray();
        JsonObject content = candidate.getJsonObject("content");
        JsonArray parts = content == null ? null : content.getJsonArray("parts");
        if (parts != null) {
            for (Object p : parts) {
                if (!(p instanceof JsonObject part)) {
                    continue;
                }
                if (Boolean.TRUE.equals(part.getValue("thought"))) {
                    if (part.getValue("text") instanceof String t) {
                        reasoning = reasoning == null ? new StringBuilder(t) : reasoning.append(t);
                    }
                } else if (part.getValue("text") instanceof String t) {
                    text = text == null ? new StringBuilder(t) : text.append(t);
                } else if (part.getValue("functionCall") instanceof JsonObject call) {
                    int index = firstToolIndex + toolCalls.size();
                    String name = call.getString("name");
                    String arguments = call.getJsonObject("args", new JsonObject()).encode();
                    String id = call.getValue("id") instanceof String given && !given.isEmpty() ? given
                            : ToolCallIds.id(responseId, index, name, arguments, part.getString("thoughtSignature"));
                    toolCalls.add(new JsonObject().put("index", index).put("id", id).put("type", "function")
                            .put("function", new JsonObject().put("name", name).put("arguments", arguments)));
                }
            }
        }
        return new Content(text == null ? null : text.toString(), reasoning == null ? null : reasoning.toString(), toolCalls);
    }

    static JsonObject chatCompletion(JsonObject gemini, String model, String requestId, long created) {
        // Without a candidate the prompt itself was blocked (promptFeedback.blockReason).
        JsonObject blocked = new JsonObject().put("index", 0)
                .put("message", new JsonObject().put("role", "assistant").putNull("content").putNull("refusal"))
                .putNull("logprobs").put("finish_reason", "content_filter");
        return completion(gemini, model, requestId, created, "chatcmpl-", "chat.completion", blocked, (candidate, index, content) -> {
            JsonObject message = new JsonObject().put("role", "assistant").put("content", content.text()).putNull("refusal");
            if (content.reasoning() != null) {
                message.put("reasoning_content", content.reasoning());
            }
            if (!content.toolCalls().isEmpty()) {
                content.toolCalls().forEach(c -> ((JsonObject) c).remove("index"));
                message.put("tool_calls", content.toolCalls());
            }
            return new JsonObject().put("index", index).put("message", message).putNull("logprobs")
                    .put("finish_reason", orStop(finishReason(candidate.getString("finishReason"), !content.toolCalls().isEmpty())));
        });
    }

    static JsonObject textCompletion(JsonObject gemini, String model, String requestId, long created) {
        JsonObject blocked = new JsonObject().put("index", 0).put("text", "").putNull("logprobs").put("finish_reason", "content_filter");
        return completion(gemini, model, requestId, created, "cmpl-", "text_completion", blocked, (candidate, index, content) ->
                new JsonObject().put("index", index).put("text", content.text() == null ? "" : content.text())
                        .putNull("logprobs").put("finish_reason", orStop(finishReason(candidate.getString("finishReason"), false))));
    }

    /** Makes one OpenAI choice of a Gemini candidate. */
    private interface Choice {
        JsonObject of(JsonObject candidate, int index, Content content);
    }

    /** One choice per candidate, or the blocked choice when there is none. */
    private static JsonObject completion(JsonObject gemini, String model, String requestId, long created, String prefix, String object,
            JsonObject blocked, Choice choice) {
        String responseId = responseId(gemini, requestId);
        JsonArray choices = new JsonArray();
        JsonArray candidates = gemini.getJsonArray("candidates", new JsonArray());
        for (int i = 0; i < candidates.size(); i++) {
            JsonObject candidate = candidates.getJsonObject(i);
            choices.add(choice.of(candidate, candidate.getInteger("index", i), content(candidate, responseId, 0)));
        }
        if (choices.isEmpty()) {
            choices.add(blocked);
        }
        return envelope(prefix, object, responseId, model, created, choices, gemini);
    }

    private static JsonObject envelope(String prefix, String object, String responseId, String model, long created, JsonArray choices,
            JsonObject gemini) {
        JsonObject out = new JsonObject().put("id", prefix + responseId).put("object", object).put("created", created).put("model", model)
                .put("choices", choices);
        out.put("usage", usage(gemini.getJsonObject("usageMetadata", new JsonObject())));
        return out;
    }

    static String responseId(JsonObject gemini, String requestId) {
        return gemini.getValue("responseId") instanceof String id && !id.isEmpty() ? id : requestId;
    }

    private static String orStop(String reason) {
        return reason == null ? "stop" : reason;
    }
}
