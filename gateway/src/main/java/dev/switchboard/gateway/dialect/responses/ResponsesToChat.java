package dev.switchboard.gateway.dialect.responses;

import java.util.Set;

import dev.switchboard.gateway.dialect.Untranslatable;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Translates an OpenAI Responses request into an OpenAI chat completion request, for /v1/responses calls served by a
 * provider that takes chat (every type but OpenAI and Azure OpenAI, which take the request as it is). A pure function:
 * what chat cannot express, or what needs state the gateway does not keep, is refused with an {@link Untranslatable}
 * naming the field in OpenAI's `input[0].content[1]` form.
 */
public final class ResponsesToChat {

    private static final Set<String> FIELDS = Set.of("model", "input", "instructions", "tools", "tool_choice", "text",
            "max_output_tokens", "temperature", "top_p", "parallel_tool_calls", "reasoning", "stream", "stream_options", "metadata",
            "user", "safety_identifier", "prompt_cache_key", "prompt_cache_retention", "service_tier", "store", "include",
            "truncation", "previous_response_id", "conversation", "background", "prompt", "max_tool_calls", "top_logprobs");
    /** Fields copied to chat under the same name and meaning. */
    private static final String[] SAME_NAME = { "temperature", "top_p", "metadata", "user", "safety_identifier", "prompt_cache_key",
            "service_tier" };

    private ResponsesToChat() {
    }

    public static JsonObject translate(JsonObject request) throws Untranslatable {
        refuseStateful(request);
        JsonObject chat = new JsonObject().put("model", request.getValue("model"));
        JsonArray messages = new JsonArray();
        instructions(request.getValue("instructions"), messages);
        input(request.getValue("input"), messages);
        chat.put("messages", messages);
        for (String field : SAME_NAME) {
            if (request.getValue(field) != null) {
                chat.put(field, request.getValue(field));
            }
        }
        if (request.getValue("max_output_tokens") != null) {
            chat.put("max_completion_tokens", request.getValue("max_output_tokens"));
        }
        if (request.getValue("reasoning") instanceof JsonObject reasoning && reasoning.getValue("effort") != null) {
            chat.put("reasoning_effort", reasoning.getValue("effort"));
        }
        text(request.getValue("text"), chat);
        boolean hasTools = tools(request.getValue("tools"), chat);
        if (request.getValue("tool_choice") != null) {
            chat.put("tool_choice", toolChoice(request.getValue("tool_choice")));
        }
        if (hasTools && request.getValue("parallel_tool_calls") != null) {
            chat.put("parallel_tool_calls", request.getValue("parallel_tool_calls"));
        }
        if (Boolean.TRUE.equals(request.getValue("stream"))) {
            // Always asked for: response.completed carries the usage.
            chat.put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
        }
        return chat;
    }

    /** What needs the conversation state or background runs OpenAI keeps, and what chat has no field for. */
    private static void refuseStateful(JsonObject request) throws Untranslatable {
        for (String field : request.fieldNames()) {
            if (!FIELDS.contains(field)) {
                throw Untranslatable.invalid(field, "Unknown parameter: '" + field + "'.");
            }
        }
        if (request.getValue("previous_response_id") != null) {
            throw Untranslatable.unsupported("previous_response_id", "previous_response_id is not supported by this model's providers:"
                    + " the gateway keeps no conversation state. Send the whole conversation in `input` instead.");
        }
        if (request.getValue("conversation") != null) {
            throw Untranslatable.unsupported("conversation", "conversation is not supported by this model's providers:"
                    + " the gateway keeps no conversation state. Send the whole conversation in `input` instead.");
        }
        if (Boolean.TRUE.equals(request.getValue("background"))) {
            throw refused("background", "Background responses are");
        }
        for (String field : new String[] { "prompt", "max_tool_calls", "top_logprobs" }) {
            if (request.getValue(field) != null) {
                throw refused(field, "`" + field + "` is");
            }
        }
        Object truncation = request.getValue("truncation");
        if (truncation != null && !"disabled".equals(truncation)) {
            throw refused("truncation", "truncation `" + truncation + "` is");
        }
        if (request.getValue("include") instanceof JsonArray include) {
            for (int i = 0; i < include.size(); i++) {
                // The encrypted reasoning a stateless client replays: there is none to return, and nothing asks for it back.
                if (!"reasoning.encrypted_content".equals(include.getValue(i))) {
                    throw refused("include[" + i + "]", "include `" + include.getValue(i) + "` is");
                }
            }
        }
    }

    private static Untranslatable refused(String param, String what) {
        return Untranslatable.unsupported(param, what + " not supported by this model's providers (only OpenAI and Azure OpenAI"
                + " providers serve the Responses API untranslated).");
    }

    private static void instructions(Object instructions, JsonArray messages) throws Untranslatable {
        if (instructions instanceof String text) {
            if (!text.isEmpty()) {
                messages.add(new JsonObject().put("role", "system").put("content", text));
            }
        } else if (instructions != null) {
            throw Untranslatable.invalid("instructions", "Invalid type for 'instructions': expected a string.");
        }
    }

    private static void input(Object input, JsonArray messages) throws Untranslatable {
        if (input instanceof String text) {
            messages.add(new JsonObject().put("role", "user").put("content", text));
            return;
        }
        if (!(input instanceof JsonArray items)) {
            throw Untranslatable.invalid("input", input == null ? "Missing required parameter: 'input'."
                    : "Invalid type for 'input': expected a string or an array of input items.");
        }
        for (int i = 0; i < items.size(); i++) {
            String at = "input[" + i + "]";
            if (!(items.getValue(i) instanceof JsonObject item)) {
                throw Untranslatable.invalid(at, "Invalid type for '" + at + "': expected an object.");
            }
            String type = item.getValue("type") instanceof String t ? t : "message";
            switch (type) {
                case "message" -> message(item, at, messages);
                case "function_call" -> functionCall(item, at, messages);
                case "function_call_output" -> messages.add(new JsonObject().put("role", "tool")
                        .put("tool_call_id", item.getValue("call_id")).put("content", toolOutput(item.getValue("output"), at + ".output")));
                case "reasoning" -> reasoning(item, messages);
                case "item_reference" -> throw Untranslatable.unsupported(at, "Item references are not supported by this model's"
                        + " providers: the gateway keeps no stored items. Send the items themselves in `input`.");
                default -> throw refused(at + ".type", "Input items of type `" + type + "` are");
            }
        }
    }

    /**
     * The model's earlier reasoning. Its text asks nothing of the answer and chat has no place for it; the signed
     * thinking the gateway gave out as its encrypted_content goes back as the next assistant turn's thinking_blocks,
     * which Anthropic needs when a tool use continues that turn.
     */
    private static void reasoning(JsonObject item, JsonArray messages) {
        JsonArray signed = ResponseShell.signedThinking(item.getValue("encrypted_content"));
        if (signed != null && !signed.isEmpty()) {
            messages.add(new JsonObject().put("role", "assistant").putNull("content").put("thinking_blocks", signed));
        }
    }

    /** The assistant turn an earlier item of the same output began (its thinking only), else a new one. */
    private static JsonObject assistantTurn(JsonArray messages) {
        JsonObject last = messages.isEmpty() ? null : messages.getJsonObject(messages.size() - 1);
        if (last != null && "assistant".equals(last.getString("role")) && last.getValue("content") == null && !last.containsKey("tool_calls")) {
            return last;
        }
        JsonObject turn = new JsonObject().put("role", "assistant").putNull("content");
        messages.add(turn);
        return turn;
    }

    private static void message(JsonObject item, String at, JsonArray messages) throws Untranslatable {
        String role = item.getValue("role") instanceof String r ? r : "";
        Object content = item.getValue("content");
        switch (role) {
            case "user", "system", "developer" -> messages.add(new JsonObject().put("role", role).put("content", inputContent(content, at)));
            case "assistant" -> assistantContent(content, at, assistantTurn(messages));
            default -> throw Untranslatable.invalid(at + ".role",
                    "Invalid value for '" + at + ".role': expected one of 'user', 'system', 'developer' or 'assistant'.");
        }
    }

    private static Object inputContent(Object content, String at) throws Untranslatable {
        if (content instanceof String text) {
            return text;
        }
        if (!(content instanceof JsonArray parts)) {
            throw Untranslatable.invalid(at + ".content", "Invalid type for '" + at + ".content': expected a string or an array.");
        }
        JsonArray chat = new JsonArray();
        for (int i = 0; i < parts.size(); i++) {
            String partAt = at + ".content[" + i + "]";
            JsonObject part = parts.getValue(i) instanceof JsonObject p ? p : new JsonObject();
            String type = part.getValue("type") instanceof String t ? t : "";
            switch (type) {
                case "input_text", "output_text" -> chat.add(new JsonObject().put("type", "text").put("text", part.getValue("text")));
                case "input_image" -> chat.add(image(part, partAt));
                case "input_file" -> chat.add(file(part, partAt));
                default -> throw refused(partAt + ".type", "Content parts of type `" + type + "` are");
            }
        }
        return chat;
    }

    private static JsonObject image(JsonObject part, String at) throws Untranslatable {
        if (!(part.getValue("image_url") instanceof String url)) {
            throw part.getValue("file_id") != null ? refused(at + ".file_id", "Images given by file_id are")
                    : Untranslatable.invalid(at + ".image_url", "Missing required parameter: '" + at + ".image_url'.");
        }
        JsonObject image = new JsonObject().put("url", url);
        if (part.getValue("detail") != null) {
            image.put("detail", part.getValue("detail"));
        }
        return new JsonObject().put("type", "image_url").put("image_url", image);
    }

    private static JsonObject file(JsonObject part, String at) throws Untranslatable {
        if (part.getValue("file_url") != null) {
            throw refused(at + ".file_url", "Files given by file_url are");
        }
        JsonObject file = new JsonObject();
        for (String field : new String[] { "file_id", "file_data", "filename" }) {
            if (part.getValue(field) != null) {
                file.put(field, part.getValue(field));
            }
        }
        return new JsonObject().put("type", "file").put("file", file);
    }

    /** An assistant turn from earlier output: its text (output_text parts joined) or its refusal. */
    private static void assistantContent(Object content, String at, JsonObject assistant) throws Untranslatable {
        if (content instanceof String text) {
            assistant.put("content", text);
            return;
        }
        if (!(content instanceof JsonArray parts)) {
            throw Untranslatable.invalid(at + ".content", "Invalid type for '" + at + ".content': expected a string or an array.");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            JsonObject part = parts.getValue(i) instanceof JsonObject p ? p : new JsonObject();
            switch (part.getValue("type") instanceof String t ? t : "") {
                case "output_text", "input_text" -> text.append(part.getValue("text") instanceof String s ? s : "");
                case "refusal" -> assistant.put("refusal", part.getValue("refusal"));
                default -> throw refused(at + ".content[" + i + "].type", "Assistant content parts of type `" + part.getValue("type") + "` are");
            }
        }
        assistant.put("content", text.isEmpty() && assistant.containsKey("refusal") ? null : text.toString());
    }

    /** A function call of earlier output joins the assistant turn before it, as chat carries a turn's calls. */
    private static void functionCall(JsonObject item, String at, JsonArray messages) throws Untranslatable {
        if (!(item.getValue("call_id") instanceof String callId) || !(item.getValue("name") instanceof String name)) {
            throw Untranslatable.invalid(at, "Missing required parameter: '" + at + ".call_id' and '" + at + ".name'.");
        }
        JsonObject call = new JsonObject().put("id", callId).put("type", "function").put("function",
                new JsonObject().put("name", name).put("arguments", item.getValue("arguments") instanceof String a ? a : "{}"));
        JsonObject last = messages.isEmpty() ? null : messages.getJsonObject(messages.size() - 1);
        if (last == null || !"assistant".equals(last.getString("role"))) {
            last = assistantTurn(messages);
        }
        JsonArray calls = last.getJsonArray("tool_calls");
        if (calls == null) {
            last.put("tool_calls", calls = new JsonArray());
        }
        calls.add(call);
    }

    private static String toolOutput(Object output, String at) throws Untranslatable {
        if (output instanceof String text) {
            return text;
        }
        if (!(output instanceof JsonArray parts)) {
            throw Untranslatable.invalid(at, "Invalid type for '" + at + "': expected a string or an array.");
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            JsonObject part = parts.getValue(i) instanceof JsonObject p ? p : new JsonObject();
            if (!"input_text".equals(part.getValue("type"))) {
                throw refused(at + "[" + i + "].type", "Function call outputs of type `" + part.getValue("type") + "` are");
            }
            text.append(part.getValue("text") instanceof String s ? s : "");
        }
        return text.toString();
    }

    /** text.format → response_format, text.verbosity → verbosity. */
    private static void text(Object text, JsonObject chat) throws Untranslatable {
        if (!(text instanceof JsonObject settings)) {
            return;
        }
        if (settings.getValue("verbosity") != null) {
            chat.put("verbosity", settings.getValue("verbosity"));
        }
        if (!(settings.getValue("format") instanceof JsonObject format)) {
            return;
        }
        switch (format.getValue("type") instanceof String t ? t : "") {
            case "text" -> {
            }
            case "json_object" -> chat.put("response_format", new JsonObject().put("type", "json_object"));
            case "json_schema" -> {
                JsonObject schema = new JsonObject().put("name", format.getValue("name")).put("schema", format.getValue("schema"));
                for (String field : new String[] { "description", "strict" }) {
                    if (format.getValue(field) != null) {
                        schema.put(field, format.getValue(field));
                    }
                }
                chat.put("response_format", new JsonObject().put("type", "json_schema").put("json_schema", schema));
            }
            default -> throw Untranslatable.invalid("text.format.type", "Invalid value for 'text.format.type': "
                    + "expected one of 'text', 'json_object' or 'json_schema'.");
        }
    }

    /** Function tools only; the built-in tools run at OpenAI. Returns whether any tool was given. */
    private static boolean tools(Object tools, JsonObject chat) throws Untranslatable {
        if (!(tools instanceof JsonArray given) || given.isEmpty()) {
            return false;
        }
        JsonArray out = new JsonArray();
        for (int i = 0; i < given.size(); i++) {
            JsonObject tool = given.getValue(i) instanceof JsonObject t ? t : new JsonObject();
            if (!"function".equals(tool.getValue("type"))) {
                throw refused("tools[" + i + "].type", "Tools of type `" + tool.getValue("type") + "` are");
            }
            JsonObject function = new JsonObject().put("name", tool.getValue("name"));
            for (String field : new String[] { "description", "parameters", "strict" }) {
                if (tool.getValue(field) != null) {
                    function.put(field, tool.getValue(field));
                }
            }
            out.add(new JsonObject().put("type", "function").put("function", function));
        }
        chat.put("tools", out);
        return true;
    }

    private static Object toolChoice(Object choice) throws Untranslatable {
        if (choice instanceof String mode) {
            return mode;
        }
        JsonObject given = choice instanceof JsonObject c ? c : new JsonObject();
        switch (given.getValue("type") instanceof String t ? t : "") {
            case "function" -> {
                return named(given.getValue("name"));
            }
            case "allowed_tools" -> {
                JsonArray names = new JsonArray();
                JsonArray tools = given.getValue("tools") instanceof JsonArray a ? a : new JsonArray();
                for (int i = 0; i < tools.size(); i++) {
                    JsonObject tool = tools.getValue(i) instanceof JsonObject t ? t : new JsonObject();
                    if (!"function".equals(tool.getValue("type"))) {
                        throw refused("tool_choice.tools[" + i + "].type", "Tools of type `" + tool.getValue("type") + "` are");
                    }
                    names.add(named(tool.getValue("name")));
                }
                return new JsonObject().put("type", "allowed_tools")
                        .put("allowed_tools", new JsonObject().put("mode", given.getValue("mode")).put("tools", names));
            }
            default -> throw refused("tool_choice.type", "tool_choice `" + given.getValue("type") + "` is");
        }
    }

    private static JsonObject named(Object name) {
        return new JsonObject().put("type", "function").put("function", new JsonObject().put("name", name));
    }
}
