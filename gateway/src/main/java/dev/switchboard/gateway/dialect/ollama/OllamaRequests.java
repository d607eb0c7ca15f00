package dev.switchboard.gateway.dialect.ollama;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.switchboard.gateway.dialect.ContentParts;
import dev.switchboard.gateway.dialect.ReasoningEffort;
import dev.switchboard.gateway.dialect.Untranslatable;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * OpenAI request bodies → Ollama's native `/api/chat`, `/api/generate` and `/api/embed` bodies. Every OpenAI field
 * is either translated, known to change nothing about the answer (`user`, `store`, `metadata`, `service_tier`), or
 * refused with a 400 naming it: nothing is dropped silently.
 */
final class OllamaRequests {

    /** OpenAI fields that only concern OpenAI's bookkeeping (storage, caching, abuse tracking), not the answer. */
    private static final Set<String> BOOKKEEPING = Set.of("model", "stream", "stream_options", "user", "store", "metadata",
            "service_tier", "prompt_cache_key", "safety_identifier");

    private static final Set<String> CHAT_FIELDS = Set.of("messages", "temperature", "top_p", "stop", "max_tokens",
            "max_completion_tokens", "seed", "presence_penalty", "frequency_penalty", "tools", "tool_choice",
            "parallel_tool_calls", "response_format", "n", "logprobs", "top_logprobs", "logit_bias", "modalities", "reasoning_effort");

    private static final Set<String> COMPLETION_FIELDS = Set.of("prompt", "suffix", "temperature", "top_p", "stop",
            "max_tokens", "seed", "presence_penalty", "frequency_penalty", "n", "best_of", "echo", "logprobs", "logit_bias");

    private static final Set<String> EMBEDDING_FIELDS = Set.of("input", "dimensions", "encoding_format");

    private OllamaRequests() {
    }

    /** A chat completion request as an `/api/chat` body. */
    static JsonObject chat(JsonObject openAi, boolean stream) throws Untranslatable {
        checkFields(openAi, CHAT_FIELDS);
        refuseUnless(openAi, "n", v -> v instanceof Number n && n.intValue() == 1, "n other than 1 (several choices)");
        refuseUnless(openAi, "logprobs", Boolean.FALSE::equals, "logprobs");
        refuseIfPresent(openAi, "top_logprobs", "top_logprobs");
        refuseUnless(openAi, "logit_bias", v -> v instanceof JsonObject bias && bias.isEmpty(), "logit_bias");
        refuseUnless(openAi, "modalities", v -> v instanceof JsonArray m && m.size() == 1 && "text".equals(m.getValue(0)),
                "Output modalities other than text");

        JsonObject ollama = new JsonObject().put("model", openAi.getValue("model"))
                .put("messages", messages(openAi.getValue("messages"))).put("stream", stream);
        tools(openAi, ollama);
        Object format = format(openAi.getValue("response_format"));
        if (format != null) {
            ollama.put("format", format);
        }
        think(openAi, ollama);
        JsonObject options = options(openAi);
        Object maxTokens = present(openAi, "max_completion_tokens") ? openAi.getValue("max_completion_tokens")
                : openAi.getValue("max_tokens");
        putPredict(options, maxTokens, present(openAi, "max_completion_tokens") ? "max_completion_tokens" : "max_tokens");
        if (!options.isEmpty()) {
            ollama.put("options", options);
        }
        return ollama;
    }

    /**
     * reasoning_effort → `think`: `none` turns thinking off; otherwise gpt-oss models take the level (they know
     * low, medium and high; minimal becomes low) and other thinking models `true`, as they have no levels.
     */
    private static void think(JsonObject openAi, JsonObject ollama) throws Untranslatable {
        if (!present(openAi, "reasoning_effort")) {
            return;
        }
        ReasoningEffort effort = ReasoningEffort.of(openAi.getValue("reasoning_effort"));
        String model = openAi.getValue("model") instanceof String m ? m.toLowerCase(Locale.ROOT) : "";
        if (effort == null) {
            ollama.put("think", false);
        } else if (model.startsWith("gpt-oss")) {
            ollama.put("think", effort == ReasoningEffort.MINIMAL ? "low" : effort.wire());
        } else {
            ollama.put("think", true);
        }
    }

    /**
     * A legacy completion request as an `/api/generate` body. Ollama applies the model's prompt template there, as
     * its own OpenAI-compatible `/v1/completions` does; `suffix` is passed for fill-in-the-middle models.
     */
    static JsonObject generate(JsonObject openAi, boolean stream) throws Untranslatable {
        checkFields(openAi, COMPLETION_FIELDS);
        refuseUnless(openAi, "n", v -> v instanceof Number n && n.intValue() == 1, "n other than 1 (several choices)");
        refuseUnless(openAi, "best_of", v -> v instanceof Number n && n.intValue() == 1, "best_of other than 1");
        refuseUnless(openAi, "echo", Boolean.FALSE::equals, "echo");
        refuseIfPresent(openAi, "logprobs", "logprobs");
        refuseUnless(openAi, "logit_bias", v -> v instanceof JsonObject bias && bias.isEmpty(), "logit_bias");
        Object prompt = openAi.getValue("prompt");
        if (prompt instanceof JsonArray prompts) {
            if (prompts.size() != 1 || !(prompts.getValue(0) instanceof String)) {
                throw Untranslatable.unsupportedBy("Ollama", "prompt", "A prompt that is not one string (several prompts or token arrays)");
            }
            prompt = prompts.getString(0);
        }
        if (!(prompt instanceof String)) {
            throw Untranslatable.invalid("prompt", "prompt must be a string.");
        }
        JsonObject ollama = new JsonObject().put("model", openAi.getValue("model")).put("prompt", prompt).put("stream", stream);
        if (openAi.getValue("suffix") instanceof String suffix) {
            ollama.put("suffix", suffix);
        }
        JsonObject options = options(openAi);
        putPredict(options, openAi.getValue("max_tokens"), "max_tokens");
        if (!options.isEmpty()) {
            ollama.put("options", options);
        }
        return ollama;
    }

    /** An embeddings request as an `/api/embed` body. */
    static JsonObject embed(JsonObject openAi) throws Untranslatable {
        checkFields(openAi, EMBEDDING_FIELDS);
        refuseUnless(openAi, "encoding_format", v -> "float".equals(v) || "base64".equals(v), "encoding_format other than float or base64");
        Object input = openAi.getValue("input");
        if (input instanceof JsonArray inputs) {
            if (inputs.isEmpty()) {
                throw Untranslatable.invalid("input", "input must not be empty.");
            }
            for (Object item : inputs) {
                if (!(item instanceof String)) {
                    throw Untranslatable.unsupportedBy("Ollama", "input", "Token-array input (Ollama embeds text only)");
                }
            }
        } else if (!(input instanceof String)) {
            throw Untranslatable.invalid("input", "input must be a string or an array of strings.");
        }
        JsonObject ollama = new JsonObject().put("model", openAi.getValue("model")).put("input", input);
        if (openAi.getValue("dimensions") instanceof Number dimensions) {
            ollama.put("dimensions", dimensions.intValue());
        }
        return ollama;
    }

    private static void checkFields(JsonObject openAi, Set<String> translated) throws Untranslatable {
        for (String field : openAi.fieldNames()) {
            if (!translated.contains(field) && !BOOKKEEPING.contains(field) && openAi.getValue(field) != null) {
                throw Untranslatable.unsupportedBy("Ollama", field, "The field `" + field + "`");
            }
        }
    }

    private static boolean present(JsonObject body, String field) {
        return body.getValue(field) != null;
    }

    private static void refuseIfPresent(JsonObject body, String field, String what) throws Untranslatable {
        if (present(body, field)) {
            throw Untranslatable.unsupportedBy("Ollama", field, what);
        }
    }

    private static void refuseUnless(JsonObject body, String field, java.util.function.Predicate<Object> fine, String what)
            throws Untranslatable {
        Object value = body.getValue(field);
        if (value != null && !fine.test(value)) {
            throw Untranslatable.unsupportedBy("Ollama", field, what);
        }
    }

    /** Sampling options shared by chat and completions. */
    private static JsonObject options(JsonObject openAi) throws Untranslatable {
        JsonObject options = new JsonObject();
        for (String field : new String[] {"temperature", "top_p", "presence_penalty", "frequency_penalty"}) {
            Object value = openAi.getValue(field);
            if (value instanceof Number) {
                options.put(field, value);
            } else if (value != null) {
                throw Untranslatable.invalid(field, field + " must be a number.");
            }
        }
        Object seed = openAi.getValue("seed");
        if (seed instanceof Number n) {
            options.put("seed", n.longValue());
        } else if (seed != null) {
            throw Untranslatable.invalid("seed", "seed must be an integer.");
        }
        Object stop = openAi.getValue("stop");
        if (stop instanceof String s) {
            options.put("stop", new JsonArray().add(s));
        } else if (stop instanceof JsonArray stops) {
            for (Object s : stops) {
                if (!(s instanceof String)) {
                    throw Untranslatable.invalid("stop", "stop must be a string or an array of strings.");
                }
            }
            if (!stops.isEmpty()) {
                options.put("stop", stops.copy());
            }
        } else if (stop != null) {
            throw Untranslatable.invalid("stop", "stop must be a string or an array of strings.");
        }
        return options;
    }

    private static void putPredict(JsonObject options, Object maxTokens, String param) throws Untranslatable {
        if (maxTokens instanceof Number n && n.intValue() > 0) {
            options.put("num_predict", n.intValue());
        } else if (maxTokens != null) {
            throw Untranslatable.invalid(param, param + " must be a positive integer.");
        }
    }

    /** `response_format` → `format`: "json" for JSON mode, the schema itself for structured outputs. */
    private static Object format(Object responseFormat) throws Untranslatable {
        if (responseFormat == null) {
            return null;
        }
        if (!(responseFormat instanceof JsonObject format)) {
            throw Untranslatable.invalid("response_format", "response_format must be an object.");
        }
        return switch (String.valueOf(format.getValue("type"))) {
            case "text" -> null;
            case "json_object" -> "json";
            case "json_schema" -> {
                JsonObject jsonSchema = format.getJsonObject("json_schema");
                if (jsonSchema == null || !(jsonSchema.getValue("schema") instanceof JsonObject schema)) {
                    throw Untranslatable.invalid("response_format.json_schema.schema", "A json_schema response_format needs json_schema.schema.");
                }
                yield schema.copy();
            }
            default -> throw Untranslatable.unsupportedBy("Ollama", "response_format.type", "response_format type " + format.getValue("type"));
        };
    }

    /** Copies the tool definitions, unless `tool_choice: none` switches them off for this request. */
    private static void tools(JsonObject openAi, JsonObject ollama) throws Untranslatable {
        Object choice = openAi.getValue("tool_choice");
        if (Boolean.FALSE.equals(openAi.getValue("parallel_tool_calls"))) {
            throw Untranslatable.unsupportedBy("Ollama", "parallel_tool_calls", "parallel_tool_calls: false (Ollama may call several tools at once)");
        }
        if (choice != null && !"auto".equals(choice) && !"none".equals(choice)) {
            throw Untranslatable.unsupportedBy("Ollama", "tool_choice", "tool_choice other than auto or none (forcing a tool call)");
        }
        Object tools = openAi.getValue("tools");
        if (tools == null) {
            return;
        }
        if (!(tools instanceof JsonArray definitions)) {
            throw Untranslatable.invalid("tools", "tools must be an array.");
        }
        JsonArray translated = new JsonArray();
        for (int i = 0; i < definitions.size(); i++) {
            String at = "tools[" + i + "]";
            if (!(definitions.getValue(i) instanceof JsonObject tool) || !"function".equals(tool.getValue("type"))
                    || !(tool.getValue("function") instanceof JsonObject function)) {
                throw Untranslatable.unsupportedBy("Ollama", at + ".type", "Tools other than functions");
            }
            if (!(function.getValue("name") instanceof String name)) {
                throw Untranslatable.invalid(at + ".function.name", "Every function tool needs a name.");
            }
            if (Boolean.TRUE.equals(function.getValue("strict"))) {
                throw Untranslatable.unsupportedBy("Ollama", at + ".function.strict", "Strict function schemas");
            }
            JsonObject copy = new JsonObject().put("name", name);
            if (function.getValue("description") instanceof String description) {
                copy.put("description", description);
            }
            copy.put("parameters", function.getValue("parameters") instanceof JsonObject parameters
                    ? parameters.copy() : new JsonObject().put("type", "object").put("properties", new JsonObject()));
            translated.add(new JsonObject().put("type", "function").put("function", copy));
        }
        if (!translated.isEmpty() && !"none".equals(choice)) {
            ollama.put("tools", translated);
        }
    }

    private static JsonArray messages(Object value) throws Untranslatable {
        if (!(value instanceof JsonArray messages) || messages.isEmpty()) {
            throw Untranslatable.invalid("messages", "messages must be a non-empty array.");
        }
        Map<String, String> toolNames = new HashMap<>();
        JsonArray translated = new JsonArray();
        for (int i = 0; i < messages.size(); i++) {
            String at = "messages[" + i + "]";
            if (!(messages.getValue(i) instanceof JsonObject message)) {
                throw Untranslatable.invalid(at, "Every message must be an object.");
            }
            if (message.getValue("audio") != null) {
                throw Untranslatable.unsupportedBy("Ollama", at + ".audio", "Audio in the conversation history");
            }
            String role = String.valueOf(message.getValue("role"));
            JsonObject out = new JsonObject();
            switch (role) {
                case "system", "developer" -> out.put("role", "system").put("content", text(message.getValue("content"), at, null));
                case "user" -> {
                    JsonArray images = new JsonArray();
                    out.put("role", "user").put("content", text(message.getValue("content"), at, images));
                    if (!images.isEmpty()) {
                        out.put("images", images);
                    }
                }
                case "assistant" -> {
                    // An earlier refusal is what the assistant said when its content is empty.
                    Object said = message.getValue("content") == null ? message.getValue("refusal") : message.getValue("content");
                    out.put("role", "assistant").put("content", text(said, at, null));
                    if (message.getValue("reasoning_content") instanceof String thinking && !thinking.isEmpty()) {
                        // Ollama's messages carry a model's earlier thinking, as its answers do.
                        out.put("thinking", thinking);
                    }
                    JsonArray calls = toolCalls(message.getValue("tool_calls"), at, toolNames);
                    if (calls != null) {
                        out.put("tool_calls", calls);
                    }
                }
                case "tool" -> {
                    out.put("role", "tool").put("content", text(message.getValue("content"), at, null));
                    String name = toolNames.get(String.valueOf(message.getValue("tool_call_id")));
                    if (name != null) {
                        out.put("tool_name", name);
                    }
                }
                case "function" -> throw Untranslatable.unsupportedBy("Ollama", at + ".role", "The legacy `function` role (use tools)");
                default -> throw Untranslatable.invalid(at + ".role", "Unknown message role: " + role + ".");
            }
            translated.add(out);
        }
        return translated;
    }

    /**
     * A message's text: a string, or its text parts joined by newlines. Image parts go into images (base64, as
     * Ollama takes them) where the role may carry images; anything else is refused.
     */
    private static String text(Object content, String at, JsonArray images) throws Untranslatable {
        if (content == null) {
            return "";
        }
        if (content instanceof String s) {
            return s;
        }
        if (!(content instanceof JsonArray parts)) {
            throw Untranslatable.invalid(at + ".content", "content must be a string or an array of content parts.");
        }
        StringBuilder text = new StringBuilder();
        ContentParts.read(parts, at + ".content", "Every content part must be an object.", (part, type, partAt) -> {
            if ("text".equals(type)) {
                if (!text.isEmpty()) {
                    text.append('\n');
                }
                text.append(part.getString("text", ""));
            } else if ("image_url".equals(type) && images != null) {
                images.add(base64Image(part.getValue("image_url"), partAt));
            } else if ("image_url".equals(type)) {
                throw Untranslatable.unsupportedBy("Ollama", partAt, "Images outside user messages");
            } else {
                throw Untranslatable.unsupportedBy("Ollama", partAt + ".type", "Content parts of type " + type);
            }
        });
        return text.toString();
    }

    /** A data URI's payload; Ollama takes raw base64 only, so image URLs cannot be passed on. */
    private static String base64Image(Object imageUrl, String at) throws Untranslatable {
        Object url = imageUrl instanceof JsonObject object ? object.getValue("url") : imageUrl;
        if (!(url instanceof String uri)) {
            throw Untranslatable.invalid(at + ".image_url.url", "image_url.url must be a string.");
        }
        if (uri.startsWith("http://") || uri.startsWith("https://")) {
            throw Untranslatable.unsupportedBy("Ollama", at + ".image_url.url",
                    "Image URLs (Ollama takes base64 images only: send the image as a data: URI)");
        }
        int marker = uri.indexOf(";base64,");
        if (!uri.startsWith("data:") || marker < 0) {
            throw Untranslatable.invalid(at + ".image_url.url", "image_url.url must be an http(s) URL or a base64 data: URI.");
        }
        return uri.substring(marker + ";base64,".length());
    }

    /** OpenAI tool calls (arguments as a JSON string) → Ollama's (arguments as an object). */
    private static JsonArray toolCalls(Object value, String at, Map<String, String> toolNames) throws Untranslatable {
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonArray calls)) {
            throw Untranslatable.invalid(at + ".tool_calls", "tool_calls must be an array.");
        }
        JsonArray translated = new JsonArray();
        for (int k = 0; k < calls.size(); k++) {
            String callAt = at + ".tool_calls[" + k + "]";
            if (!(calls.getValue(k) instanceof JsonObject call) || !(call.getValue("function") instanceof JsonObject function)
                    || !(function.getValue("name") instanceof String name)) {
                throw Untranslatable.unsupportedBy("Ollama", callAt, "Tool calls other than function calls");
            }
            Object arguments = function.getValue("arguments");
            JsonObject parsed;
            try {
                parsed = arguments == null || "".equals(arguments) ? new JsonObject() : new JsonObject(String.valueOf(arguments));
            } catch (DecodeException | ClassCastException e) {
                throw Untranslatable.invalid(callAt + ".function.arguments",
                        "Tool call arguments must be a JSON object (Ollama takes them as an object).");
            }
            if (call.getValue("id") instanceof String id) {
                toolNames.put(id, name);
            }
            translated.add(new JsonObject().put("function", new JsonObject().put("name", name).put("arguments", parsed)));
        }
        return translated.isEmpty() ? null : translated;
    }
}
