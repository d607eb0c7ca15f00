package dev.switchboard.gateway.dialect.responses;

import java.util.Base64;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The Response object a translated answer fills in: its id, the public model, and the request's settings echoed back
 * as OpenAI echoes them (with OpenAI's defaults for what the request left out), so an SDK finds every field it
 * requires. Item ids derive from the response's id, so the same request gets the same ids.
 */
public final class ResponseShell {

    private final JsonObject request;
    private final String id;
    private final String model;
    private final long createdAt;

    /** {@code request}: the Responses request as the client sent it; {@code createdAt}: epoch seconds. */
    public ResponseShell(JsonObject request, String id, String model, long createdAt) {
        this.request = request;
        this.id = id;
        this.model = model;
        this.createdAt = createdAt;
    }

    /** A response id from the gateway's request id: `resp_` and its letters and digits. */
    public static String idFor(String requestId) {
        return "resp_" + requestId.replaceAll("[^A-Za-z0-9]", "");
    }

    /** The id of the output item at this position, with the prefix OpenAI gives its type (msg, fc, rs). */
    String itemId(String prefix, int index) {
        return prefix + "_" + id.substring(id.indexOf('_') + 1) + "_" + index;
    }

    /** The response in this status, with no output and no usage yet. */
    JsonObject response(String status) {
        JsonObject reasoning = request.getValue("reasoning") instanceof JsonObject r ? r.copy() : new JsonObject();
        if (!reasoning.containsKey("effort")) {
            reasoning.putNull("effort");
        }
        if (!reasoning.containsKey("summary")) {
            reasoning.putNull("summary");
        }
        JsonObject text = request.getValue("text") instanceof JsonObject t ? t.copy() : new JsonObject();
        if (!text.containsKey("format")) {
            text.put("format", new JsonObject().put("type", "text"));
        }
        return new JsonObject()
                .put("id", id)
                .put("object", "response")
                .put("created_at", createdAt)
                .put("status", status)
                .put("background", false)
                .putNull("error")
                .putNull("incomplete_details")
                .put("instructions", request.getValue("instructions"))
                .put("max_output_tokens", request.getValue("max_output_tokens"))
                .put("metadata", request.getValue("metadata") instanceof JsonObject m ? m.copy() : new JsonObject())
                .put("model", model)
                .put("output", new JsonArray())
                .put("parallel_tool_calls", request.getValue("parallel_tool_calls") instanceof Boolean p ? p : true)
                .putNull("previous_response_id")
                .put("reasoning", reasoning)
                .put("store", false)
                .put("temperature", request.getValue("temperature") instanceof Number n ? n : 1.0)
                .put("text", text)
                .put("tool_choice", request.getValue("tool_choice") != null ? request.getValue("tool_choice") : "auto")
                .put("tools", request.getValue("tools") instanceof JsonArray tools ? tools.copy() : new JsonArray())
                .put("top_p", request.getValue("top_p") instanceof Number n ? n : 1.0)
                .put("truncation", "disabled")
                .putNull("usage")
                .put("user", request.getValue("user"));
    }

    /**
     * The finished response: its status from the chat finish reason (`length` and `content_filter` leave it
     * incomplete, as OpenAI reports a cut-off), its output items and usage.
     */
    JsonObject finished(String finishReason, JsonArray output, JsonObject chatUsage) {
        String incomplete = switch (finishReason == null ? "" : finishReason) {
            case "length" -> "max_output_tokens";
            case "content_filter" -> "content_filter";
            default -> null;
        };
        JsonObject response = response(incomplete == null ? "completed" : "incomplete").put("output", output)
                .put("usage", usage(chatUsage));
        if (incomplete != null) {
            response.put("incomplete_details", new JsonObject().put("reason", incomplete));
        }
        return response;
    }

    /** Chat usage in the Responses API's names; null when the upstream reported none. */
    static JsonObject usage(JsonObject chat) {
        if (chat == null) {
            return null;
        }
        long input = chat.getValue("prompt_tokens") instanceof Number n ? n.longValue() : 0;
        long output = chat.getValue("completion_tokens") instanceof Number n ? n.longValue() : 0;
        return new JsonObject()
                .put("input_tokens", input)
                .put("input_tokens_details", new JsonObject().put("cached_tokens", detail(chat, "prompt_tokens_details", "cached_tokens")))
                .put("output_tokens", output)
                .put("output_tokens_details", new JsonObject()
                        .put("reasoning_tokens", detail(chat, "completion_tokens_details", "reasoning_tokens")))
                .put("total_tokens", chat.getValue("total_tokens") instanceof Number n ? n.longValue() : input + output);
    }

    private static long detail(JsonObject usage, String details, String field) {
        return usage.getValue(details) instanceof JsonObject d && d.getValue(field) instanceof Number n ? n.longValue() : 0;
    }

    /** Characters of generated content in output items: text, refusals, reasoning, function names and arguments. */
    static long generatedChars(JsonArray output) {
        long chars = 0;
        for (Object item : output) {
            if (item instanceof JsonObject object) {
                chars += length(object.getValue("name")) + length(object.getValue("arguments"));
                if (object.getValue("content") instanceof JsonArray content) {
                    for (Object part : content) {
                        if (part instanceof JsonObject p) {
                            chars += length(p.getValue("text")) + length(p.getValue("refusal"));
                        }
                    }
                }
            }
        }
        return chars;
    }

    private static int length(Object value) {
        return value instanceof String text ? text.length() : 0;
    }

    /** A message item holding these content parts. */
    static JsonObject message(String id, String status, JsonArray content) {
        return new JsonObject().put("id", id).put("type", "message").put("status", status).put("role", "assistant").put("content", content);
    }

    /** An output_text content part. */
    static JsonObject outputText(String text) {
        return new JsonObject().put("type", "output_text").put("text", text).put("annotations", new JsonArray()).put("logprobs", new JsonArray());
    }

    /** A refusal content part. */
    static JsonObject refusal(String text) {
        return new JsonObject().put("type", "refusal").put("refusal", text);
    }

    /** A reasoning item carrying the reasoning text a chat answer reported as `reasoning_content`. */
    static JsonObject reasoning(String id, JsonArray content) {
        return new JsonObject().put("id", id).put("type", "reasoning").put("summary", new JsonArray()).put("content", content);
    }

    /**
     * A reasoning item with the signed thinking a chat answer carried (`thinking_blocks`, Anthropic's, which it needs
     * back when a tool use continues the turn) as its `encrypted_content`: the opaque string stateless Responses
     * clients replay with the item, so the gateway needs to keep nothing. Base64 of the blocks' JSON.
     */
    static JsonObject withSignedThinking(JsonObject item, JsonArray thinkingBlocks) {
        if (thinkingBlocks != null && !thinkingBlocks.isEmpty()) {
            item.put("encrypted_content", Base64.getEncoder().encodeToString(thinkingBlocks.toBuffer().getBytes()));
        }
        return item;
    }

    /** The signed thinking a replayed reasoning item carries, or null when its encrypted_content is not the gateway's. */
    static JsonArray signedThinking(Object encryptedContent) {
        if (!(encryptedContent instanceof String encoded)) {
            return null;
        }
        try {
            return new JsonArray(io.vertx.core.buffer.Buffer.buffer(Base64.getDecoder().decode(encoded)));
        } catch (IllegalArgumentException | io.vertx.core.json.DecodeException | ClassCastException e) {
            // Another server's encrypted reasoning (OpenAI's): nothing the translated targets could use.
            return null;
        }
    }

    static JsonObject reasoningText(String text) {
        return new JsonObject().put("type", "reasoning_text").put("text", text);
    }

    /** A function_call item: OpenAI's item id and the call id the client answers with. */
    static JsonObject functionCall(String id, String status, String callId, String name, String arguments) {
        return new JsonObject().put("id", id).put("type", "function_call").put("status", status).put("call_id", callId)
                .put("name", name).put("arguments", arguments);
    }
}
