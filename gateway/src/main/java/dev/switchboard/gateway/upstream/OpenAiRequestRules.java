package dev.switchboard.gateway.upstream;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import dev.switchboard.gateway.dialect.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What OpenAI's API refuses before generating anything, with the 400 it answers: the first problem found, as an
 * {@code invalid_request_error} naming the parameter ({@code messages[0].role}) and, as OpenAI does, a code such
 * as {@code missing_required_parameter}, {@code invalid_type}, {@code invalid_value}, {@code empty_array} or
 * {@code integer_below_min_value}. Unknown parameters are refused as OpenAI refuses them ("Unrecognized request
 * argument supplied", no param). The Simulated provider checks every request with these rules, so local mode
 * refuses what a real deployment would.
 * <p>
 * The rules cover the request's shape (required fields, types, enumerations, ranges, message roles and content
 * parts, tools); they do not check what depends on a model (context length, which features it has).
 */
public final class OpenAiRequestRules {

    private static final Set<String> CHAT_FIELDS = Set.of("model", "messages", "audio", "frequency_penalty", "function_call",
            "functions", "logit_bias", "logprobs", "max_completion_tokens", "max_tokens", "metadata", "modalities", "n",
            "parallel_tool_calls", "prediction", "presence_penalty", "prompt_cache_key", "reasoning_effort", "response_format",
            "safety_identifier", "seed", "service_tier", "stop", "store", "stream", "stream_options", "temperature", "tool_choice",
            "tools", "top_logprobs", "top_p", "user", "verbosity", "web_search_options");
    private static final Set<String> COMPLETION_FIELDS = Set.of("model", "prompt", "best_of", "echo", "frequency_penalty",
            "logit_bias", "logprobs", "max_tokens", "n", "presence_penalty", "seed", "stop", "stream", "stream_options", "suffix",
            "temperature", "top_p", "user");
    private static final Set<String> EMBEDDING_FIELDS = Set.of("model", "input", "dimensions", "encoding_format", "user");
    private static final List<String> ROLES = List.of("system", "assistant", "user", "function", "tool", "developer");
    private static final List<String> PART_TYPES = List.of("text", "image_url", "input_audio", "file", "refusal");
    private static final List<String> RESPONSE_FORMATS = List.of("text", "json_object", "json_schema");
    private static final List<String> TOOL_CHOICES = List.of("none", "auto", "required");
    private static final List<String> ENCODING_FORMATS = List.of("float", "base64");
    private static final Pattern FUNCTION_NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");

    /** The first rule a request breaks: thrown to the top, where it becomes the answer. */
    private static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final transient ApiError error;

        Refused(String param, String code, String message) {
            super(message, null, false, false);
            this.error = new ApiError(400, "invalid_request_error", code, param, message);
        }
    }

    private OpenAiRequestRules() {
    }

    /** The 400 OpenAI would answer to this request body, or null when it would take it. */
    public static ApiError check(Operation operation, JsonObject body) {
        try {
            switch (operation) {
                case CHAT -> chat(body);
                case COMPLETIONS -> completion(body);
                case EMBEDDINGS -> embeddings(body);
                // Anthropic's API, never sent to an OpenAI-format upstream.
                case MESSAGES, COUNT_TOKENS -> throw new Refused(null, null, "Unrecognized request URL (POST /v1/messages).");
            }
            return null;
        } catch (Refused refused) {
            return refused.error;
        }
    }

    private static void chat(JsonObject body) {
        known(body, CHAT_FIELDS);
        JsonArray messages = array(body, "messages", "messages", true);
        if (messages.isEmpty()) {
            throw new Refused("messages", "empty_array",
                    "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.");
        }
        for (int i = 0; i < messages.size(); i++) {
            message(messages.getValue(i), "messages[" + i + "]");
        }
        sampling(body);
        integer(body, "max_completion_tokens", 1, Long.MAX_VALUE);
        integer(body, "max_tokens", 1, Long.MAX_VALUE);
        integer(body, "n", 1, 128);
        bool(body, "logprobs");
        integer(body, "top_logprobs", 0, 20);
        if (body.containsKey("top_logprobs") && !Boolean.TRUE.equals(body.getValue("logprobs"))) {
            throw new Refused("top_logprobs", "invalid_value", "Invalid value: 'top_logprobs' must be used with 'logprobs' set to true.");
        }
        bool(body, "parallel_tool_calls");
        bool(body, "store");
        object(body, "metadata", "metadata");
        object(body, "logit_bias", "logit_bias");
        tools(body);
        toolChoice(body);
        responseFormat(body);
        streamOptions(body);
    }

    private static void completion(JsonObject body) {
        known(body, COMPLETION_FIELDS);
        Object prompt = body.getValue("prompt");
        if (prompt == null) {
            throw missing("prompt");
        }
        if (!(prompt instanceof String) && !(prompt instanceof JsonArray)) {
            throw invalidType("prompt", "a string or an array", prompt);
        }
        sampling(body);
        integer(body, "max_tokens", 0, Long.MAX_VALUE);
        integer(body, "n", 1, 128);
        integer(body, "best_of", 0, 20);
        integer(body, "logprobs", 0, 5);
        bool(body, "echo");
        string(body, "suffix");
        object(body, "logit_bias", "logit_bias");
        streamOptions(body);
    }

    private static void embeddings(JsonObject body) {
        known(body, EMBEDDING_FIELDS);
        Object input = body.getValue("input");
        if (input == null) {
            throw missing("input");
        }
        if (input instanceof JsonArray array) {
            if (array.isEmpty()) {
                throw new Refused("input", "empty_array",
                        "Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array instead.");
            }
            for (int i = 0; i < array.size(); i++) {
                Object item = array.getValue(i);
                if (!(item instanceof String) && !isInteger(item) && !(item instanceof JsonArray)) {
                    throw invalidType("input[" + i + "]", "a string, an integer or an array of integers", item);
                }
            }
        } else if (!(input instanceof String)) {
            throw invalidType("input", "a string or an array", input);
        }
        oneOf(body, "encoding_format", ENCODING_FORMATS);
        integer(body, "dimensions", 1, Long.MAX_VALUE);
        string(body, "user");
    }

    /** Parameters of text generation shared by chat and completions. */
    private static void sampling(JsonObject body) {
        number(body, "temperature", 0, 2);
        number(body, "top_p", 0, 1);
        number(body, "presence_penalty", -2, 2);
        number(body, "frequency_penalty", -2, 2);
        integer(body, "seed", Long.MIN_VALUE, Long.MAX_VALUE);
        string(body, "user");
        Object stop = body.getValue("stop");
        if (stop instanceof JsonArray array) {
            if (array.size() > 4) {
                throw new Refused("stop", "array_above_max_length", "Invalid 'stop': array too long. Expected an array with maximum length 4,"
                        + " but got an array with length " + array.size() + " instead.");
            }
            for (int i = 0; i < array.size(); i++) {
                if (!(array.getValue(i) instanceof String)) {
                    throw invalidType("stop[" + i + "]", "a string", array.getValue(i));
                }
            }
        } else if (stop != null && !(stop instanceof String)) {
            throw invalidType("stop", "a string or an array", stop);
        }
    }

    private static void streamOptions(JsonObject body) {
        object(body, "stream_options", "stream_options");
        if (body.getValue("stream_options") != null && !Boolean.TRUE.equals(body.getValue("stream"))) {
            throw new Refused("stream_options", "invalid_value", "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
        }
    }

    private static void message(Object value, String at) {
        if (!(value instanceof JsonObject message)) {
            throw invalidType(at, "an object", value);
        }
        Object role = message.getValue("role");
        if (role == null) {
            throw missing(at + ".role");
        }
        if (!(role instanceof String) || !ROLES.contains(role)) {
            throw invalidValue(at + ".role", role, ROLES);
        }
        Object content = message.getValue("content");
        boolean callsTools = message.getValue("tool_calls") != null || message.getValue("function_call") != null;
        if (content == null && !("assistant".equals(role) && callsTools)) {
            // Only an assistant turn that calls tools may come without content.
            throw missing(at + ".content");
        }
        if (content instanceof JsonArray parts) {
            for (int i = 0; i < parts.size(); i++) {
                part(parts.getValue(i), at + ".content[" + i + "]");
            }
        } else if (content != null && !(content instanceof String)) {
            throw invalidType(at + ".content", "one of a string or an array of content parts", content);
        }
        if ("tool".equals(role) && !(message.getValue("tool_call_id") instanceof String)) {
            throw message.getValue("tool_call_id") == null ? missing(at + ".tool_call_id")
                    : invalidType(at + ".tool_call_id", "a string", message.getValue("tool_call_id"));
        }
        if ("function".equals(role) && !(message.getValue("name") instanceof String)) {
            throw missing(at + ".name");
        }
        if (message.getValue("tool_calls") != null) {
            JsonArray calls = array(message, "tool_calls", at + ".tool_calls", false);
            for (int i = 0; i < calls.size(); i++) {
                toolCall(calls.getValue(i), at + ".tool_calls[" + i + "]");
            }
        }
    }

    private static void part(Object value, String at) {
        if (!(value instanceof JsonObject part)) {
            throw invalidType(at, "an object", value);
        }
        Object type = part.getValue("type");
        if (type == null) {
            throw missing(at + ".type");
        }
        if (!PART_TYPES.contains(type)) {
            throw invalidValue(at + ".type", type, PART_TYPES);
        }
        switch ((String) type) {
            case "text" -> requireString(part, "text", at);
            case "refusal" -> requireString(part, "refusal", at);
            case "image_url" -> {
                JsonObject image = object(part, "image_url", at + ".image_url");
                if (image == null) {
                    throw missing(at + ".image_url");
                }
                requireString(image, "url", at + ".image_url");
            }
            default -> object(part, (String) type, at + "." + type);
        }
    }

    private static void toolCall(Object value, String at) {
        if (!(value instanceof JsonObject call)) {
            throw invalidType(at, "an object", value);
        }
        requireString(call, "id", at);
        JsonObject function = object(call, "function", at + ".function");
        if (function == null) {
            throw missing(at + ".function");
        }
        requireString(function, "name", at + ".function");
        requireString(function, "arguments", at + ".function");
    }

    private static void tools(JsonObject body) {
        if (body.getValue("tools") == null) {
            return;
        }
        JsonArray tools = array(body, "tools", "tools", false);
        for (int i = 0; i < tools.size(); i++) {
            String at = "tools[" + i + "]";
            if (!(tools.getValue(i) instanceof JsonObject tool)) {
                throw invalidType(at, "an object", tools.getValue(i));
            }
            Object type = tool.getValue("type");
            if (!"function".equals(type) && !"custom".equals(type)) {
                throw type == null ? missing(at + ".type") : invalidValue(at + ".type", type, List.of("function", "custom"));
            }
            JsonObject definition = object(tool, (String) type, at + "." + type);
            if (definition == null) {
                throw missing(at + "." + type);
            }
            String name = requireString(definition, "name", at + "." + type);
            if (!FUNCTION_NAME.matcher(name).matches()) {
                throw new Refused(at + "." + type + ".name", "invalid_value", "Invalid '" + at + "." + type
                        + ".name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.");
            }
            object(definition, "parameters", at + "." + type + ".parameters");
        }
    }

    private static void toolChoice(JsonObject body) {
        Object choice = body.getValue("tool_choice");
        if (choice instanceof String mode) {
            if (!TOOL_CHOICES.contains(mode)) {
                throw invalidValue("tool_choice", mode, TOOL_CHOICES);
            }
        } else if (choice instanceof JsonObject named) {
            if (!(named.getValue("type") instanceof String)) {
                throw missing("tool_choice.type");
            }
        } else if (choice != null) {
            throw invalidType("tool_choice", "a string or an object", choice);
        }
    }

    private static void responseFormat(JsonObject body) {
        JsonObject format = object(body, "response_format", "response_format");
        if (format == null) {
            return;
        }
        Object type = format.getValue("type");
        if (type == null) {
            throw missing("response_format.type");
        }
        if (!RESPONSE_FORMATS.contains(type)) {
            throw invalidValue("response_format.type", type, RESPONSE_FORMATS);
        }
        if ("json_schema".equals(type)) {
            JsonObject schema = object(format, "json_schema", "response_format.json_schema");
            if (schema == null) {
                throw missing("response_format.json_schema");
            }
            requireString(schema, "name", "response_format.json_schema");
        }
    }

    private static void known(JsonObject body, Set<String> fields) {
        for (String field : body.fieldNames()) {
            if (!fields.contains(field)) {
                throw new Refused(null, null, "Unrecognized request argument supplied: " + field);
            }
        }
    }

    private static JsonArray array(JsonObject object, String field, String param, boolean required) {
        Object value = object.getValue(field);
        if (value == null && required) {
            throw missing(param);
        }
        if (!(value instanceof JsonArray array)) {
            throw invalidType(param, "an array", value);
        }
        return array;
    }

    /** The object at {@code field}, null when absent. */
    private static JsonObject object(JsonObject object, String field, String param) {
        Object value = object.getValue(field);
        if (value != null && !(value instanceof JsonObject)) {
            throw invalidType(param, "an object", value);
        }
        return (JsonObject) value;
    }

    private static String requireString(JsonObject object, String field, String at) {
        Object value = object.getValue(field);
        if (value == null) {
            throw missing(at + "." + field);
        }
        if (!(value instanceof String text)) {
            throw invalidType(at + "." + field, "a string", value);
        }
        return text;
    }

    private static void string(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (value != null && !(value instanceof String)) {
            throw invalidType(field, "a string", value);
        }
    }

    private static void bool(JsonObject body, String field) {
        Object value = body.getValue(field);
        if (value != null && !(value instanceof Boolean)) {
            throw invalidType(field, "a boolean", value);
        }
    }

    private static void oneOf(JsonObject body, String field, List<String> allowed) {
        Object value = body.getValue(field);
        if (value != null && !allowed.contains(value)) {
            throw invalidValue(field, value, allowed);
        }
    }

    private static void integer(JsonObject body, String field, long min, long max) {
        Object value = body.getValue(field);
        if (value == null) {
            return;
        }
        if (!isInteger(value)) {
            throw invalidType(field, "an integer", value);
        }
        long n = ((Number) value).longValue();
        if (n < min) {
            throw new Refused(field, "integer_below_min_value", "Invalid '" + field + "': integer below minimum value. Expected a value >= "
                    + min + ", but got " + n + " instead.");
        }
        if (n > max) {
            throw new Refused(field, "integer_above_max_value", "Invalid '" + field + "': integer above maximum value. Expected a value <= "
                    + max + ", but got " + n + " instead.");
        }
    }

    private static void number(JsonObject body, String field, double min, double max) {
        Object value = body.getValue(field);
        if (value == null) {
            return;
        }
        if (!(value instanceof Number number)) {
            throw invalidType(field, "a number", value);
        }
        double n = number.doubleValue();
        if (n < min) {
            throw new Refused(field, "decimal_below_min_value", "Invalid '" + field + "': decimal below minimum value. Expected a value >= "
                    + plain(min) + ", but got " + value + " instead.");
        }
        if (n > max) {
            throw new Refused(field, "decimal_above_max_value", "Invalid '" + field + "': decimal above maximum value. Expected a value <= "
                    + plain(max) + ", but got " + value + " instead.");
        }
    }

    private static boolean isInteger(Object value) {
        return value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte
                || value instanceof java.math.BigInteger;
    }

    private static String plain(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static Refused missing(String param) {
        return new Refused(param, "missing_required_parameter", "Missing required parameter: '" + param + "'.");
    }

    private static Refused invalidType(String param, String expected, Object got) {
        return new Refused(param, "invalid_type", "Invalid type for '" + param + "': expected " + expected + ", but got " + describe(got)
                + " instead.");
    }

    private static Refused invalidValue(String param, Object got, List<String> supported) {
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < supported.size(); i++) {
            values.append(i == 0 ? "" : i == supported.size() - 1 ? ", and " : ", ").append('\'').append(supported.get(i)).append('\'');
        }
        return new Refused(param, "invalid_value", "Invalid value: '" + got + "'. Supported values are: " + values + ".");
    }

    /** A JSON value's type as OpenAI's messages name it. */
    private static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof JsonArray) {
            return "an array";
        }
        if (value instanceof JsonObject) {
            return "an object";
        }
        return isInteger(value) ? "an integer" : "a decimal number";
    }
}
