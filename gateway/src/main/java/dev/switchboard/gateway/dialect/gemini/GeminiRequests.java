package dev.switchboard.gateway.dialect.gemini;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.switchboard.gateway.dialect.ContentParts;
import dev.switchboard.gateway.dialect.ReasoningEffort;
import dev.switchboard.gateway.dialect.Untranslatable;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * OpenAI chat and completion requests → the body of Gemini's `generateContent` / `streamGenerateContent`. Pure:
 * no I/O, so every mapping and every refusal is unit-tested. See docs/providers.md for the table.
 */
final class GeminiRequests {

    /** OpenAI's default for legacy completions; chat has none. */
    static final int COMPLETIONS_DEFAULT_MAX_TOKENS = 16;

    private GeminiRequests() {
    }

    /** A feature with no Gemini equivalent, refused with the code the capability check uses. */
    static Untranslatable unsupported(String param, String message) {
        return Untranslatable.unsupported(param, message + " (not supported by Gemini providers)");
    }

    /** The generateContent body for an OpenAI chat completion request. */
    static JsonObject chat(JsonObject request, boolean stream) throws Untranslatable {
        refuseUntranslatable(request, stream);
        JsonObject body = new JsonObject();
        Conversation conversation = new Conversation();
        Object messages = request.getValue("messages");
        if (!(messages instanceof JsonArray list) || list.isEmpty()) {
            throw Untranslatable.invalid("messages", "messages must be a non-empty array");
        }
        for (int i = 0; i < list.size(); i++) {
            if (!(list.getValue(i) instanceof JsonObject message)) {
                throw Untranslatable.invalid("messages[" + i + "]", "each message must be an object");
            }
            conversation.add(message, "messages[" + i + "]");
        }
        if (conversation.system != null) {
            body.put("systemInstruction", conversation.system);
        }
        body.put("contents", conversation.contents);
        JsonArray declarations = tools(request);
        if (declarations != null) {
            body.put("tools", new JsonArray().add(new JsonObject().put("functionDeclarations", declarations)));
        }
        JsonObject toolConfig = toolConfig(request.getValue("tool_choice"), declarations != null);
        if (toolConfig != null) {
            body.put("toolConfig", toolConfig);
        }
        JsonObject config = generationConfig(request, null);
        responseFormat(request.getValue("response_format"), config);
        thinking(request, config);
        if (!config.isEmpty()) {
            body.put("generationConfig", config);
        }
        return body;
    }

    /** Legacy completions: the prompt becomes one user turn. */
    static JsonObject completion(JsonObject request, boolean stream) throws Untranslatable {
        for (String field : List.of("suffix", "logprobs", "logit_bias")) {
            if (present(request.getValue(field))) {
                throw unsupported(field, "`" + field + "` on completions");
            }
        }
        if (Boolean.TRUE.equals(request.getValue("echo"))) {
            throw unsupported("echo", "`echo: true` (Gemini does not return the prompt)");
        }
        if (request.getValue("best_of") instanceof Number n && n.intValue() > 1) {
            throw unsupported("best_of", "`best_of` > 1");
        }
        nCandidates(request, stream);
        Object prompt = request.getValue("prompt");
        if (prompt instanceof JsonArray array && array.size() == 1 && array.getValue(0) instanceof String single) {
            prompt = single;
        }
        if (!(prompt instanceof String text)) {
            throw unsupported("prompt", "a prompt that is not a single string (token arrays or several prompts)");
        }
        JsonObject body = new JsonObject().put("contents", new JsonArray().add(new JsonObject().put("role", "user")
                .put("parts", new JsonArray().add(new JsonObject().put("text", text)))));
        JsonObject config = generationConfig(request, COMPLETIONS_DEFAULT_MAX_TOKENS);
        body.put("generationConfig", config);
        return body;
    }

    private static void refuseUntranslatable(JsonObject request, boolean stream) throws Untranslatable {
        if (Boolean.TRUE.equals(request.getValue("logprobs")) || present(request.getValue("top_logprobs"))) {
            throw unsupported("logprobs", "`logprobs`/`top_logprobs`");
        }
        for (String field : List.of("logit_bias", "audio", "prediction", "web_search_options", "verbosity")) {
            if (present(request.getValue(field))) {
                throw unsupported(field, "`" + field + "`");
            }
        }
        if (present(request.getValue("functions")) || present(request.getValue("function_call"))) {
            throw unsupported("functions", "the deprecated `functions`/`function_call` fields; use `tools`/`tool_choice`");
        }
        if (request.getValue("modalities") instanceof JsonArray modalities && !List.of("text").equals(modalities.getList())) {
            throw unsupported("modalities", "output modalities other than [\"text\"]");
        }
        if (Boolean.FALSE.equals(request.getValue("parallel_tool_calls"))) {
            throw unsupported("parallel_tool_calls", "`parallel_tool_calls: false` (Gemini cannot be told to call one function at a time)");
        }
        nCandidates(request, stream);
    }

    private static void nCandidates(JsonObject request, boolean stream) throws Untranslatable {
        if (request.getValue("n") instanceof Number n && n.intValue() > 1 && stream) {
            throw unsupported("n", "`n` > 1 with `stream: true`");
        }
    }

    private static boolean present(Object value) {
        return value != null && !(value instanceof JsonObject o && o.isEmpty()) && !(value instanceof JsonArray a && a.isEmpty());
    }

    private static JsonObject generationConfig(JsonObject request, Integer defaultMaxTokens) throws Untranslatable {
        JsonObject config = new JsonObject();
        Object stop = request.getValue("stop");
        if (stop instanceof String s) {
            config.put("stopSequences", new JsonArray().add(s));
        } else if (stop instanceof JsonArray list && !list.isEmpty()) {
            config.put("stopSequences", list);
        }
        Object max = request.getValue("max_completion_tokens") != null ? request.getValue("max_completion_tokens") : request.getValue("max_tokens");
        if (max instanceof Number n) {
            config.put("maxOutputTokens", n.intValue());
        } else if (defaultMaxTokens != null) {
            config.put("maxOutputTokens", defaultMaxTokens);
        }
        copyNumber(request, "temperature", config, "temperature");
        copyNumber(request, "top_p", config, "topP");
        copyNumber(request, "presence_penalty", config, "presencePenalty");
        copyNumber(request, "frequency_penalty", config, "frequencyPenalty");
        copyNumber(request, "seed", config, "seed");
        if (request.getValue("n") instanceof Number n && n.intValue() > 1) {
            config.put("candidateCount", n.intValue());
        }
        return config;
    }

    /**
     * reasoning_effort → thinkingConfig, chosen by the upstream model's name: Gemini 3 models take a thinkingLevel
     * (`low` for minimal and low, `high` for medium and high: the levels every Gemini 3 model knows), earlier ones a
     * thinkingBudget in tokens (see {@link ReasoningEffort}; `none` is budget 0, which only models that can turn
     * thinking off accept). Thought summaries are asked for, so the reasoning reaches the client as reasoning_content.
     */
    private static void thinking(JsonObject request, JsonObject config) throws Untranslatable {
        Object value = request.getValue("reasoning_effort");
        if (value == null) {
            return;
        }
        ReasoningEffort effort = ReasoningEffort.of(value);
        String model = request.getValue("model") instanceof String m ? m.toLowerCase(Locale.ROOT) : "";
        JsonObject thinking = new JsonObject();
        if (model.contains("gemini-3")) {
            if (effort == null) {
                throw unsupported("reasoning_effort", "`reasoning_effort: none` for a Gemini 3 model (its thinking cannot be turned off)");
            }
            thinking.put("thinkingLevel", effort.compareTo(ReasoningEffort.LOW) <= 0 ? "low" : "high");
        } else {
            thinking.put("thinkingBudget", effort == null ? 0 : effort.budget());
        }
        config.put("thinkingConfig", thinking.put("includeThoughts", effort != null));
    }

    private static void copyNumber(JsonObject from, String field, JsonObject to, String as) {
        if (from.getValue(field) instanceof Number n) {
            to.put(as, n);
        }
    }

    private static void responseFormat(Object format, JsonObject config) throws Untranslatable {
        if (!(format instanceof JsonObject rf)) {
            return;
        }
        String type = rf.getString("type", "text");
        switch (type) {
            case "text" -> {
            }
            case "json_object" -> config.put("responseMimeType", "application/json");
            case "json_schema" -> {
                JsonObject jsonSchema = rf.getJsonObject("json_schema");
                if (jsonSchema == null || !(jsonSchema.getValue("schema") instanceof JsonObject schema)) {
                    throw Untranslatable.invalid("response_format", "response_format.json_schema.schema must be an object");
                }
                config.put("responseMimeType", "application/json");
                JsonObject converted = GeminiSchemas.convert(schema, "response_format");
                orderProperties(converted);
                config.put("responseSchema", converted);
            }
            default -> throw unsupported("response_format", "response_format type `" + type + "`");
        }
    }

    /** Gemini orders generated properties alphabetically unless told; keep the client's order as OpenAI does. */
    private static void orderProperties(JsonObject schema) {
        if (schema.getValue("properties") instanceof JsonObject properties) {
            schema.put("propertyOrdering", new JsonArray(List.copyOf(properties.fieldNames())));
            properties.forEach(e -> orderProperties((JsonObject) e.getValue()));
        }
        if (schema.getValue("items") instanceof JsonObject items) {
            orderProperties(items);
        }
        if (schema.getValue("anyOf") instanceof JsonArray branches) {
            branches.forEach(b -> orderProperties((JsonObject) b));
        }
    }

    private static JsonArray tools(JsonObject request) throws Untranslatable {
        if (!(request.getValue("tools") instanceof JsonArray tools) || tools.isEmpty()) {
            return null;
        }
        JsonArray declarations = new JsonArray();
        for (int i = 0; i < tools.size(); i++) {
            String param = "tools[" + i + "]";
            if (!(tools.getValue(i) instanceof JsonObject tool) || !(tool.getValue("function") instanceof JsonObject function)) {
                throw Untranslatable.invalid(param, "each tool must be an object with a `function`");
            }
            if (!"function".equals(tool.getString("type", "function"))) {
                throw unsupported(param, "tool type `" + tool.getValue("type") + "`");
            }
            if (!(function.getValue("name") instanceof String name)) {
                throw Untranslatable.invalid(param + ".function.name", "each function needs a name");
            }
            JsonObject declaration = new JsonObject().put("name", name);
            if (function.getValue("description") instanceof String description) {
                declaration.put("description", description);
            }
            if (function.getValue("parameters") instanceof JsonObject parameters) {
                JsonObject converted = GeminiSchemas.convert(parameters, param + ".function.parameters");
                // Gemini rejects an OBJECT schema without properties; a function without arguments simply has none.
                if (!(converted.getValue("properties") instanceof JsonObject properties) || !properties.isEmpty()) {
                    declaration.put("parameters", converted);
                }
            }
            declarations.add(declaration);
        }
        return declarations;
    }

    private static JsonObject toolConfig(Object choice, boolean haveTools) throws Untranslatable {
        if (choice == null) {
            return null;
        }
        JsonObject config = new JsonObject();
        if (choice instanceof String mode) {
            switch (mode) {
                case "auto" -> config.put("mode", "AUTO");
                case "none" -> config.put("mode", "NONE");
                case "required" -> config.put("mode", "ANY");
                default -> throw Untranslatable.invalid("tool_choice", "unknown tool_choice `" + mode + "`");
            }
        } else if (choice instanceof JsonObject object && "function".equals(object.getValue("type"))
                && object.getValue("function") instanceof JsonObject function && function.getValue("name") instanceof String name) {
            config.put("mode", "ANY").put("allowedFunctionNames", new JsonArray().add(name));
        } else if (choice instanceof JsonObject object && "allowed_tools".equals(object.getValue("type"))
                && object.getValue("allowed_tools") instanceof JsonObject allowed) {
            if (!"required".equals(allowed.getValue("mode"))) {
                throw unsupported("tool_choice", "`allowed_tools` with mode `auto` (Gemini restricts functions only when one must be called)");
            }
            JsonArray names = new JsonArray();
            for (Object t : allowed.getJsonArray("tools", new JsonArray())) {
                if (t instanceof JsonObject tool && tool.getValue("function") instanceof JsonObject f && f.getValue("name") instanceof String n) {
                    names.add(n);
                } else {
                    throw unsupported("tool_choice", "`allowed_tools` naming a non-function tool");
                }
            }
            config.put("mode", "ANY").put("allowedFunctionNames", names);
        } else {
            throw unsupported("tool_choice", "this tool_choice form (" + choice + ")");
        }
        if (!haveTools && !"NONE".equals(config.getString("mode"))) {
            throw Untranslatable.invalid("tool_choice", "tool_choice needs `tools`");
        }
        return new JsonObject().put("functionCallingConfig", config);
    }

    /** The messages as Gemini contents: system → systemInstruction, same-role neighbours merged, tools by name. */
    private static final class Conversation {

        private final JsonArray contents = new JsonArray();
        private final Map<String, String> toolNames = new HashMap<>();
        private JsonObject system;

        void add(JsonObject message, String param) throws Untranslatable {
            String role = String.valueOf(message.getValue("role"));
            switch (role) {
                case "system", "developer" -> system(message, param);
                case "user" -> append("user", userParts(message.getValue("content"), param + ".content"));
                case "assistant" -> append("model", assistantParts(message, param));
                case "tool" -> append("user", new JsonArray().add(functionResponse(message, param)));
                case "function" -> throw unsupported(param + ".role", "the deprecated `function` role; use `tool`");
                default -> throw Untranslatable.invalid(param + ".role", "unknown role `" + role + "`");
            }
        }

        private void system(JsonObject message, String param) throws Untranslatable {
            JsonArray parts = textParts(message.getValue("content"), param + ".content", "system messages");
            if (system == null) {
                system = new JsonObject().put("parts", new JsonArray());
            }
            system.getJsonArray("parts").addAll(parts);
        }

        private void append(String role, JsonArray parts) {
            if (parts.isEmpty()) {
                return;
            }
            JsonObject last = contents.isEmpty() ? null : contents.getJsonObject(contents.size() - 1);
            if (last != null && role.equals(last.getString("role"))) {
                last.getJsonArray("parts").addAll(parts);
            } else {
                contents.add(new JsonObject().put("role", role).put("parts", parts));
            }
        }

        private JsonArray assistantParts(JsonObject message, String param) throws Untranslatable {
            if (present(message.getValue("audio"))) {
                throw unsupported(param + ".audio", "assistant audio in the history");
            }
            if (present(message.getValue("function_call"))) {
                throw unsupported(param + ".function_call", "the deprecated `function_call`; use `tool_calls`");
            }
            JsonArray parts = message.getValue("content") == null ? new JsonArray()
                    : textParts(message.getValue("content"), param + ".content", "assistant messages");
            if (message.getValue("tool_calls") instanceof JsonArray calls) {
                for (int i = 0; i < calls.size(); i++) {
                    parts.add(functionCall(calls.getValue(i), param + ".tool_calls[" + i + "]"));
                }
            }
            return parts;
        }

        private JsonObject functionCall(Object value, String param) throws Untranslatable {
            if (!(value instanceof JsonObject call) || !(call.getValue("function") instanceof JsonObject function)
                    || !(function.getValue("name") instanceof String name)) {
                throw Untranslatable.invalid(param, "a tool call needs `function.name`");
            }
            if (!"function".equals(call.getString("type", "function"))) {
                throw unsupported(param, "tool call type `" + call.getValue("type") + "`");
            }
            String id = call.getValue("id") instanceof String s ? s : null;
            if (id != null) {
                toolNames.put(id, name);
            }
            Object arguments = function.getValue("arguments");
            JsonObject args;
            try {
                args = arguments == null || "".equals(arguments) ? new JsonObject() : new JsonObject(String.valueOf(arguments));
            } catch (DecodeException | ClassCastException e) {
                throw Untranslatable.invalid(param + ".function.arguments", "tool call arguments must be a JSON object");
            }
            JsonObject part = new JsonObject().put("functionCall", new JsonObject().put("name", name).put("args", args));
            String signature = ToolCallIds.signature(id);
            if (signature != null) {
                part.put("thoughtSignature", signature);
            }
            return part;
        }

        private JsonObject functionResponse(JsonObject message, String param) throws Untranslatable {
            Object id = message.getValue("tool_call_id");
            String name = id instanceof String s ? toolNames.get(s) : null;
            if (name == null) {
                throw Untranslatable.invalid(param + ".tool_call_id",
                        "tool message refers to tool_call_id " + id + ", which no earlier assistant message called");
            }
            StringBuilder text = new StringBuilder();
            for (Object part : textParts(message.getValue("content"), param + ".content", "tool messages")) {
                text.append(((JsonObject) part).getString("text"));
            }
            JsonObject response;
            try {
                Object parsed = io.vertx.core.json.Json.decodeValue(text.toString());
                response = parsed instanceof JsonObject object ? object : new JsonObject().put("result", parsed);
            } catch (DecodeException e) {
                response = new JsonObject().put("result", text.toString());
            }
            return new JsonObject().put("functionResponse", new JsonObject().put("name", name).put("response", response));
        }

        private static JsonArray textParts(Object content, String param, String where) throws Untranslatable {
            JsonArray parts = new JsonArray();
            if (content instanceof String text) {
                if (!text.isEmpty()) {
                    parts.add(new JsonObject().put("text", text));
                }
                return parts;
            }
            if (!(content instanceof JsonArray list)) {
                throw Untranslatable.invalid(param, "content must be a string or an array of parts");
            }
            for (int i = 0; i < list.size(); i++) {
                if (list.getValue(i) instanceof JsonObject part && ("text".equals(part.getValue("type")) || "refusal".equals(part.getValue("type")))) {
                    Object text = part.getValue("text") != null ? part.getValue("text") : part.getValue("refusal");
                    parts.add(new JsonObject().put("text", String.valueOf(text)));
                } else {
                    throw unsupported(param + "[" + i + "]", "non-text content in " + where);
                }
            }
            return parts;
        }

        private static JsonArray userParts(Object content, String param) throws Untranslatable {
            if (content instanceof String || content == null) {
                return textParts(content == null ? "" : content, param, "user messages");
            }
            if (!(content instanceof JsonArray list)) {
                throw Untranslatable.invalid(param, "content must be a string or an array of parts");
            }
            JsonArray parts = new JsonArray();
            ContentParts.read(list, param, "each content part must be an object", (part, type, at) -> {
                switch (type) {
                    case "text" -> parts.add(new JsonObject().put("text", String.valueOf(part.getValue("text"))));
                    case "image_url" -> parts.add(Media.image(part.getValue("image_url"), at));
                    case "input_audio" -> parts.add(Media.audio(part.getValue("input_audio"), at));
                    case "file" -> parts.add(Media.file(part.getValue("file"), at));
                    default -> throw unsupported(at, "content part type `" + type + "`");
                }
            });
            return parts;
        }
    }

    /** Images, audio and files: data URIs are sent inline; https URLs are fetched by Gemini (fileData). */
    static final class Media {

        private static final Map<String, String> IMAGE_TYPES = Map.of(".png", "image/png", ".jpg", "image/jpeg", ".jpeg", "image/jpeg",
                ".webp", "image/webp", ".gif", "image/gif", ".heic", "image/heic", ".heif", "image/heif");

        private Media() {
        }

        static JsonObject image(Object value, String param) throws Untranslatable {
            String url = value instanceof JsonObject o ? o.getString("url") : value instanceof String s ? s : null;
            if (url == null) {
                throw Untranslatable.invalid(param + ".image_url.url", "image_url needs a url");
            }
            if (url.startsWith("data:")) {
                return inline(url, param + ".image_url.url");
            }
            if (!url.startsWith("https://")) {
                throw unsupported(param + ".image_url.url",
                        "image URLs other than https:// and data: URIs (Gemini fetches only public https URLs)");
            }
            String path = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
            String lower = path.toLowerCase(Locale.ROOT);
            String mimeType = null;
            for (Map.Entry<String, String> type : IMAGE_TYPES.entrySet()) {
                if (lower.endsWith(type.getKey())) {
                    mimeType = type.getValue();
                }
            }
            if (mimeType == null) {
                throw unsupported(param + ".image_url.url",
                        "an image URL without a recognisable image file extension (Gemini needs the MIME type of a fetched file; send a data: URI)");
            }
            return new JsonObject().put("fileData", new JsonObject().put("mimeType", mimeType).put("fileUri", url));
        }

        static JsonObject audio(Object value, String param) throws Untranslatable {
            if (!(value instanceof JsonObject audio) || !(audio.getValue("data") instanceof String data)
                    || !(audio.getValue("format") instanceof String format)) {
                throw Untranslatable.invalid(param + ".input_audio", "input_audio needs `data` and `format`");
            }
            String mimeType = switch (format) {
                case "wav" -> "audio/wav";
                case "mp3" -> "audio/mp3";
                default -> throw unsupported(param + ".input_audio.format", "audio format `" + format + "`");
            };
            return new JsonObject().put("inlineData", new JsonObject().put("mimeType", mimeType).put("data", data));
        }

        static JsonObject file(Object value, String param) throws Untranslatable {
            if (!(value instanceof JsonObject file)) {
                throw Untranslatable.invalid(param + ".file", "file needs `file_data` or `file_id`");
            }
            if (file.getValue("file_data") instanceof String data) {
                return inline(data, param + ".file.file_data");
            }
            throw unsupported(param + ".file.file_id", "OpenAI file ids (send the file as a data: URI in file_data)");
        }

        private static JsonObject inline(String dataUri, String param) throws Untranslatable {
            int comma = dataUri.indexOf(',');
            String header = comma < 0 ? "" : dataUri.substring(5, comma);
            if (comma < 0 || !header.endsWith(";base64") || header.length() == 7) {
                throw Untranslatable.invalid(param, "a data: URI must look like data:<mime type>;base64,<data>");
            }
            return new JsonObject().put("inlineData", new JsonObject()
                    .put("mimeType", header.substring(0, header.length() - 7)).put("data", dataUri.substring(comma + 1)));
        }
    }
}
