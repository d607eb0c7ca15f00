package dev.switchboard.gateway.testing;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * OpenAI's Responses API as the OpenAI and Azure OpenAI simulators serve it ({@code POST /v1/responses},
 * {@code POST /openai/v1/responses}), in the real wire format: a `response` object, or the event stream the official
 * SDKs parse (`response.created`, `response.in_progress`, each item's added / part / delta / done events with
 * `sequence_number`, `response.completed` with usage). Requests are checked as OpenAI checks them (model and input
 * required, known fields, function tools only unless asked, a known `previous_response_id`); answers are
 * deterministic: the last user text echoed, the first function tool called (arguments sampled from its schema) when
 * tools are given and the input does not end with a function's output, that output echoed after it, and a JSON
 * object sampled from the schema under `text.format` json_schema. Responses are stored, so `previous_response_id`
 * works against the simulator that made them.
 */
final class ResponsesSimulation {

    private static final Set<String> FIELDS = Set.of("model", "input", "instructions", "tools", "tool_choice", "text",
            "max_output_tokens", "temperature", "top_p", "parallel_tool_calls", "reasoning", "stream", "stream_options", "metadata",
            "user", "safety_identifier", "prompt_cache_key", "service_tier", "store", "include", "truncation", "previous_response_id",
            "conversation", "background", "prompt", "max_tool_calls", "top_logprobs");

    private final Map<String, Boolean> stored = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    /** Answers one Responses request whose body the simulator already read. */
    void answer(HttpServerResponse response, JsonObject body) {
        String refused = check(body);
        if (refused != null) {
            error(response, 400, body.containsKey("previous_response_id") ? "previous_response_id" : null, refused);
            return;
        }
        String id = "resp_sim" + ids.incrementAndGet();
        stored.put(id, true);
        JsonObject item = output(body, id);
        JsonObject usage = new JsonObject().put("input_tokens", 5)
                .put("input_tokens_details", new JsonObject().put("cached_tokens", body.getString("model", "").startsWith("cached") ? 4 : 0))
                .put("output_tokens", 7).put("output_tokens_details", new JsonObject().put("reasoning_tokens", 0)).put("total_tokens", 12);
        JsonObject done = shell(body, id, "completed").put("output", new JsonArray().add(item)).put("usage", usage);
        if (!Boolean.TRUE.equals(body.getValue("stream"))) {
            response.putHeader("content-type", "application/json").end(done.encode());
            return;
        }
        StringBuilder out = new StringBuilder();
        int[] sequence = { 0 };
        event(out, sequence, "response.created", new JsonObject().put("response", shell(body, id, "in_progress")));
        event(out, sequence, "response.in_progress", new JsonObject().put("response", shell(body, id, "in_progress")));
        stream(out, sequence, item);
        event(out, sequence, "response.completed", new JsonObject().put("response", done));
        response.setChunked(true).putHeader("content-type", "text/event-stream").end(out.toString());
    }

    private String check(JsonObject body) {
        for (String field : body.fieldNames()) {
            if (!FIELDS.contains(field)) {
                return "Unknown parameter: '" + field + "'.";
            }
        }
        if (!(body.getValue("model") instanceof String)) {
            return "Missing required parameter: 'model'.";
        }
        if (!(body.getValue("input") instanceof String) && !(body.getValue("input") instanceof JsonArray)) {
            return "Missing required parameter: 'input'.";
        }
        Object previous = body.getValue("previous_response_id");
        if (previous != null && !stored.containsKey(String.valueOf(previous))) {
            return "Previous response with id '" + previous + "' not found.";
        }
        return null;
    }

    private static JsonObject shell(JsonObject body, String id, String status) {
        return new JsonObject().put("id", id).put("object", "response").put("created_at", 1_700_000_000).put("status", status)
                .putNull("error").putNull("incomplete_details").put("instructions", body.getValue("instructions"))
                .put("metadata", new JsonObject()).put("model", body.getValue("model")).put("output", new JsonArray())
                .put("parallel_tool_calls", true).put("previous_response_id", body.getValue("previous_response_id"))
                .put("temperature", 1.0).put("tool_choice", "auto")
                .put("tools", body.getValue("tools") instanceof JsonArray tools ? tools : new JsonArray()).put("top_p", 1.0).putNull("usage");
    }

    /** The one output item: a function call, or a message. */
    private static JsonObject output(JsonObject body, String id) {
        JsonArray input = body.getValue("input") instanceof JsonArray items ? items
                : new JsonArray().add(new JsonObject().put("role", "user").put("content", body.getString("input")));
        JsonObject last = input.isEmpty() ? new JsonObject() : input.getJsonObject(input.size() - 1);
        JsonArray tools = new JsonArray();
        if (body.getValue("tools") instanceof JsonArray given) {
            // Built-in tools run inside OpenAI; the simulator calls only functions.
            given.stream().filter(tool -> tool instanceof JsonObject t && "function".equals(t.getValue("type"))).forEach(tools::add);
        }
        if ("function_call_output".equals(last.getValue("type"))) {
            return message(id, "result: " + last.getValue("output"));
        }
        if (!tools.isEmpty()) {
            JsonObject tool = tools.getJsonObject(0);
            return new JsonObject().put("id", "fc_" + id).put("type", "function_call").put("status", "completed")
                    .put("call_id", "call_" + id).put("name", tool.getValue("name"))
                    .put("arguments", sample(tool.getJsonObject("parameters"), "value").toString());
        }
        String text = "echo: " + lastText(last.getValue("content"));
        if (body.getValue("text") instanceof JsonObject settings && settings.getValue("format") instanceof JsonObject format
                && "json_schema".equals(format.getValue("type"))) {
            text = sample(format.getJsonObject("schema"), text).toString();
        }
        return message(id, text);
    }

    private static String lastText(Object content) {
        if (content instanceof JsonArray parts) {
            StringBuilder text = new StringBuilder();
            parts.forEach(part -> text.append(part instanceof JsonObject p && p.getValue("text") instanceof String s ? s : ""));
            return text.toString();
        }
        return String.valueOf(content);
    }

    private static JsonObject message(String id, String text) {
        return new JsonObject().put("id", "msg_" + id).put("type", "message").put("status", "completed").put("role", "assistant")
                .put("content", new JsonArray().add(new JsonObject().put("type", "output_text").put("text", text)
                        .put("annotations", new JsonArray()).put("logprobs", new JsonArray())));
    }

    /** A value of the schema's type: objects get every property, strings the given text. */
    static Object sample(JsonObject schema, String text) {
        String type = schema == null ? "string" : String.valueOf(schema.getValue("type"));
        switch (type) {
            case "object" -> {
                JsonObject value = new JsonObject();
                if (schema.getValue("properties") instanceof JsonObject properties) {
                    properties.forEach(p -> value.put(p.getKey(), sample((JsonObject) p.getValue(), p.getKey() + "-" + text)));
                }
                return value;
            }
            case "integer" -> {
                return 7;
            }
            case "number" -> {
                return 0.5;
            }
            case "boolean" -> {
                return true;
            }
            case "array" -> {
                return new JsonArray().add(sample(schema.getJsonObject("items"), text));
            }
            default -> {
                return text;
            }
        }
    }

    /** An item's events as OpenAI streams them: added, its part and deltas (two halves), the done events. */
    private static void stream(StringBuilder out, int[] sequence, JsonObject item) {
        JsonObject added = item.copy().put("status", "in_progress");
        String id = item.getString("id");
        if ("function_call".equals(item.getValue("type"))) {
            String arguments = item.getString("arguments");
            event(out, sequence, "response.output_item.added", new JsonObject().put("output_index", 0).put("item", added.put("arguments", "")));
            for (String half : halves(arguments)) {
                event(out, sequence, "response.function_call_arguments.delta", new JsonObject().put("item_id", id).put("output_index", 0)
                        .put("delta", half));
            }
            event(out, sequence, "response.function_call_arguments.done", new JsonObject().put("item_id", id).put("output_index", 0)
                    .put("arguments", arguments));
        } else {
            JsonObject part = item.getJsonArray("content").getJsonObject(0);
            String text = part.getString("text");
            JsonObject at = new JsonObject().put("item_id", id).put("output_index", 0).put("content_index", 0);
            event(out, sequence, "response.output_item.added", new JsonObject().put("output_index", 0).put("item", added.put("content", new JsonArray())));
            event(out, sequence, "response.content_part.added", at.copy().put("part", part.copy().put("text", "")));
            for (String half : halves(text)) {
                event(out, sequence, "response.output_text.delta", at.copy().put("delta", half).put("logprobs", new JsonArray()));
            }
            event(out, sequence, "response.output_text.done", at.copy().put("text", text).put("logprobs", new JsonArray()));
            event(out, sequence, "response.content_part.done", at.copy().put("part", part));
        }
        event(out, sequence, "response.output_item.done", new JsonObject().put("output_index", 0).put("item", item));
    }

    private static String[] halves(String text) {
        int middle = text.length() / 2;
        return new String[] { text.substring(0, middle), text.substring(middle) };
    }

    private static void event(StringBuilder out, int[] sequence, String type, JsonObject data) {
        JsonObject event = new JsonObject().put("type", type).put("sequence_number", sequence[0]++).mergeIn(data);
        out.append("event: ").append(type).append("\ndata: ").append(event.encode()).append("\n\n");
    }

    static void error(HttpServerResponse response, int status, String param, String message) {
        response.setStatusCode(status).putHeader("content-type", "application/json").end(new JsonObject().put("error",
                new JsonObject().put("message", message).put("type", "invalid_request_error").put("param", param).put("code", null)).encode());
    }
}
