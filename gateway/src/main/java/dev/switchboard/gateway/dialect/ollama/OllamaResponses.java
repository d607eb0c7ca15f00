package dev.switchboard.gateway.dialect.ollama;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import dev.switchboard.gateway.dialect.ApiError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Ollama's answers (one JSON object, one NDJSON line, or an error) in OpenAI's shapes. */
final class OllamaResponses {

    private OllamaResponses() {
    }

    /** A non-streamed `/api/chat` answer as a `chat.completion`. */
    static JsonObject chatCompletion(JsonObject ollama, String id, ToolCallIds ids) {
        JsonObject message = ollama.getJsonObject("message", new JsonObject());
        JsonArray calls = toolCalls(message.getJsonArray("tool_calls"), ids, false);
        String content = message.getString("content", "");
        JsonObject out = new JsonObject().put("role", "assistant")
                .put("content", calls != null && content.isEmpty() ? null : content);
        if (message.getValue("thinking") instanceof String thinking && !thinking.isEmpty()) {
            out.put("reasoning_content", thinking);
        }
        if (calls != null) {
            out.put("tool_calls", calls);
        }
        JsonObject choice = new JsonObject().put("index", 0).put("message", out)
                .put("finish_reason", finishReason(ollama, calls != null)).putNull("logprobs");
        return new JsonObject().put("id", id).put("object", "chat.completion").put("created", created(ollama))
                .put("model", ollama.getValue("model")).put("choices", new JsonArray().add(choice))
                .put("usage", usage(ollama));
    }

    /** A non-streamed `/api/generate` answer as a `text_completion`. */
    static JsonObject textCompletion(JsonObject ollama, String id) {
        JsonObject choice = new JsonObject().put("index", 0).put("text", ollama.getString("response", ""))
                .putNull("logprobs").put("finish_reason", finishReason(ollama, false));
        return new JsonObject().put("id", id).put("object", "text_completion").put("created", created(ollama))
                .put("model", ollama.getValue("model")).put("choices", new JsonArray().add(choice))
                .put("usage", usage(ollama));
    }

    /** An `/api/embed` answer as an embedding list; base64 is little-endian float32, as OpenAI encodes it. */
    static JsonObject embeddings(JsonObject ollama, boolean base64) {
        JsonArray data = new JsonArray();
        JsonArray embeddings = ollama.getJsonArray("embeddings", new JsonArray());
        for (int i = 0; i < embeddings.size(); i++) {
            JsonArray vector = embeddings.getJsonArray(i);
            data.add(new JsonObject().put("object", "embedding").put("index", i)
                    .put("embedding", base64 ? base64(vector) : vector));
        }
        int prompt = ollama.getInteger("prompt_eval_count", 0);
        return new JsonObject().put("object", "list").put("data", data).put("model", ollama.getValue("model"))
                .put("usage", new JsonObject().put("prompt_tokens", prompt).put("total_tokens", prompt));
    }

    /**
     * Ollama's `{"error": "..."}` with its status as an OpenAI envelope. Ollama has no rate limits of its own; a
     * 503 means its queue is full (retryable), a 404 names a model that is not pulled.
     */
    static ApiError error(int status, Buffer body) {
        String message = null;
        try {
            if (new JsonObject(body).getValue("error") instanceof String text) {
                message = text;
            }
        } catch (DecodeException | ClassCastException e) {
            // Not Ollama's error shape (perhaps a proxy in front of it): described by its status below.
        }
        if (message == null) {
            message = "Ollama answered HTTP " + status + ".";
        }
        return switch (status) {
            case 400 -> new ApiError(400, "invalid_request_error", null, null, message);
            case 404 -> new ApiError(404, "invalid_request_error", "model_not_found", "model", message);
            case 429 -> new ApiError(429, "rate_limit_error", "rate_limit_exceeded", null, message);
            case 503 -> new ApiError(503, "server_error", "overloaded", null, message);
            default -> new ApiError(status, status >= 500 ? "server_error" : "invalid_request_error",
                    "upstream_http_" + status, null, message);
        };
    }

    /** OpenAI tool calls for Ollama's (arguments objects → JSON strings); null when there are none. */
    static JsonArray toolCalls(JsonArray ollamaCalls, ToolCallIds ids, boolean withIndex) {
        if (ollamaCalls == null || ollamaCalls.isEmpty()) {
            return null;
        }
        JsonArray calls = new JsonArray();
        for (Object item : ollamaCalls) {
            JsonObject call = (JsonObject) item;
            JsonObject function = call.getJsonObject("function", new JsonObject());
            Object arguments = function.getValue("arguments");
            JsonObject out = new JsonObject();
            if (withIndex) {
                out.put("index", ids.count());
            }
            out.put("id", ids.next(call)).put("type", "function").put("function", new JsonObject()
                    .put("name", function.getValue("name"))
                    .put("arguments", arguments == null ? "{}" : arguments instanceof String s ? s : Json.encode(arguments)));
            calls.add(out);
        }
        return calls;
    }

    /** `length` when Ollama hit num_predict, `tool_calls` when it called tools, otherwise `stop`. */
    static String finishReason(JsonObject done, boolean toolCalls) {
        if (toolCalls) {
            return "tool_calls";
        }
        return "length".equals(done.getValue("done_reason")) ? "length" : "stop";
    }

    static JsonObject usage(JsonObject done) {
        int prompt = done.getInteger("prompt_eval_count", 0);
        int completion = done.getInteger("eval_count", 0);
        return new JsonObject().put("prompt_tokens", prompt).put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
    }

    static long created(JsonObject ollama) {
        if (ollama.getValue("created_at") instanceof String at) {
            try {
                return OffsetDateTime.parse(at).toEpochSecond();
            } catch (DateTimeParseException e) {
                // Fall back to now: the timestamp is informational.
            }
        }
        return Instant.now().getEpochSecond();
    }

    private static String base64(JsonArray vector) {
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(vector.size() * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (Object value : vector) {
            bytes.putFloat(((Number) value).floatValue());
        }
        return java.util.Base64.getEncoder().encodeToString(bytes.array());
    }
}
