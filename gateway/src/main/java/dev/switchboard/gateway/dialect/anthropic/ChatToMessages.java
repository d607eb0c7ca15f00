package dev.switchboard.gateway.dialect.anthropic;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.switchboard.gateway.dialect.ReasoningEffort;
import dev.switchboard.gateway.dialect.Untranslatable;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Translates an OpenAI chat completion request into an Anthropic Messages request. A pure function: every field
 * is either translated, ignored because it cannot change the answer (listed in {@link #IGNORED}), or refused
 * with a {@link Untranslatable} naming it. See docs/providers.md, "Anthropic".
 */
public final class ChatToMessages {

    /** Anthropic requires max_tokens; OpenAI does not. Used when the client sets neither limit. */
    public static final int DEFAULT_MAX_TOKENS = 4096;
    /** The forced tool that carries a JSON-mode answer (response_format json_object / json_schema). */
    public static final String JSON_TOOL = "json_response";

    private static final Set<String> TRANSLATED = Set.of("model", "messages", "max_tokens", "max_completion_tokens",
            "temperature", "top_p", "stop", "stream", "stream_options", "tools", "tool_choice", "parallel_tool_calls",
            "response_format", "user", "safety_identifier", "reasoning_effort");
    /** Fields that only concern OpenAI's own bookkeeping (stored completions, tiers, its prompt cache), never the generated text. */
    private static final Set<String> IGNORED = Set.of("metadata", "store", "service_tier", "prompt_cache_key");
    private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");

    /** The Anthropic body, plus what the response translation must know about the request. */
    public record Translation(JsonObject body, boolean includeUsage, String jsonTool) {
    }

    private ChatToMessages() {
    }

    public static Translation translate(JsonObject chat) throws Untranslatable {
        refuseUntranslatable(chat);
        JsonObject out = new JsonObject().put("model", chat.getValue("model"));
        ReasoningEffort effort = ReasoningEffort.of(chat.getValue("reasoning_effort"));
        // With thinking, Anthropic's max_tokens covers the thinking too and must exceed its budget: the client's
        // limit bounds the visible answer and the budget is added on top.
        out.put("max_tokens", maxTokens(chat) + (effort == null ? 0 : effort.budget()));
        Messages messages = messages(chat.getValue("messages"));
        if (!messages.system.isEmpty()) {
            out.put("system", messages.system);
        }
        out.put("messages", messages.turns);
        copyNumber(chat, "temperature", out);
        if (chat.getValue("temperature") instanceof Number t && t.doubleValue() > 1) {
            throw Untranslatable.unsupported("temperature", "temperature " + t + " is outside Anthropic's range 0 to 1.");
        }
        copyNumber(chat, "top_p", out);
        stop(chat.getValue("stop"), out);
        if (chat.getValue("stream") instanceof Boolean stream) {
            out.put("stream", stream);
        }
        // safety_identifier is OpenAI's successor of user: both name the end user, as metadata.user_id does.
        Object user = chat.getValue("safety_identifier") instanceof String id ? id : chat.getValue("user");
        if (user instanceof String id) {
            out.put("metadata", new JsonObject().put("user_id", id));
        }
        String jsonTool = tools(chat, out);
        if (effort != null) {
            thinking(chat, effort, out);
        }
        boolean includeUsage = chat.getValue("stream_options") instanceof JsonObject options
                && Boolean.TRUE.equals(options.getValue("include_usage"));
        return new Translation(out, includeUsage, jsonTool);
    }

    /**
     * reasoning_effort → extended thinking with the effort's budget. Anthropic takes thinking only with the default
     * sampling (temperature 1, top_p from 0.95) and with tool_choice auto or none; anything else is refused rather
     * than changed, as OpenAI's reasoning models refuse sampling parameters.
     */
    private static void thinking(JsonObject chat, ReasoningEffort effort, JsonObject out) throws Untranslatable {
        if (chat.getValue("temperature") instanceof Number t && t.doubleValue() != 1) {
            throw refused("temperature", "a temperature other than 1 with reasoning_effort (extended thinking)");
        }
        if (chat.getValue("top_p") instanceof Number p && p.doubleValue() < 0.95) {
            throw refused("top_p", "a top_p below 0.95 with reasoning_effort (extended thinking)");
        }
        if (out.getValue("tool_choice") instanceof JsonObject choice && !"auto".equals(choice.getString("type"))
                && !"none".equals(choice.getString("type"))) {
            throw refused(chat.getValue("response_format") != null ? "response_format" : "tool_choice",
                    "forcing a tool call (tool_choice required or named, or JSON mode) with reasoning_effort (extended thinking)");
        }
        out.put("thinking", new JsonObject().put("type", "enabled").put("budget_tokens", effort.budget()));
    }

    private static void refuseUntranslatable(JsonObject chat) throws Untranslatable {
        for (String field : chat.fieldNames()) {
            Object value = chat.getValue(field);
            if (value == null || TRANSLATED.contains(field)) {
                continue;
            }
            if (IGNORED.contains(field)) {
                if (field.equals("store") && Boolean.TRUE.equals(value)) {
                    throw refused(field, "stored completions (store: true)");
                }
                if (field.equals("service_tier") && !"auto".equals(value) && !"default".equals(value)) {
                    throw refused(field, "service_tier " + value);
                }
                continue;
            }
            boolean harmless = switch (field) {
                case "n" -> value instanceof Number n && n.intValue() == 1;
                case "logprobs" -> Boolean.FALSE.equals(value);
                case "presence_penalty", "frequency_penalty" -> value instanceof Number n && n.doubleValue() == 0;
                case "logit_bias" -> value instanceof JsonObject bias && bias.isEmpty();
                case "modalities" -> value instanceof JsonArray m && m.size() == 1 && "text".equals(m.getValue(0));
                default -> false;
            };
            if (!harmless) {
                throw refused(field, switch (field) {
                    case "n" -> "n > 1 (several choices)";
                    case "functions", "function_call" -> "the legacy " + field + " field (use tools and tool_choice)";
                    default -> field;
                });
            }
        }
    }

    private static Untranslatable refused(String param, String feature) {
        return Untranslatable.unsupported(param, "Anthropic providers do not support " + feature + ".");
    }

    private static int maxTokens(JsonObject chat) throws Untranslatable {
        Object value = chat.getValue("max_completion_tokens") != null ? chat.getValue("max_completion_tokens") : chat.getValue("max_tokens");
        if (value == null) {
            return DEFAULT_MAX_TOKENS;
        }
        if (!(value instanceof Number n) || n.intValue() < 1 || n.doubleValue() != n.intValue()) {
            throw Untranslatable.unsupported("max_tokens", "max_tokens must be a positive integer.");
        }
        return n.intValue();
    }

    private static void copyNumber(JsonObject from, String field, JsonObject to) throws Untranslatable {
        Object value = from.getValue(field);
        if (value == null) {
            return;
        }
        if (!(value instanceof Number)) {
            throw Untranslatable.unsupported(field, field + " must be a number.");
        }
        to.put(field, value);
    }

    private static void stop(Object stop, JsonObject out) throws Untranslatable {
        if (stop == null) {
            return;
        }
        JsonArray sequences = new JsonArray();
        if (stop instanceof String s) {
            sequences.add(s);
        } else if (stop instanceof JsonArray array) {
            for (Object s : array) {
                if (!(s instanceof String)) {
                    throw Untranslatable.unsupported("stop", "stop must be a string or an array of strings.");
                }
                sequences.add(s);
            }
        } else {
            throw Untranslatable.unsupported("stop", "stop must be a string or an array of strings.");
        }
        if (!sequences.isEmpty()) {
            out.put("stop_sequences", sequences);
        }
    }

    // ---- messages ----

    private record Messages(JsonArray system, JsonArray turns) {
    }

    private static Messages messages(Object value) throws Untranslatable {
        if (!(value instanceof JsonArray messages) || messages.isEmpty()) {
            throw Untranslatable.unsupported("messages", "messages must be a non-empty array.");
        }
        JsonArray system = new JsonArray();
        List<JsonObject> turns = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            String at = "messages[" + i + "]";
            if (!(messages.getValue(i) instanceof JsonObject message)) {
                throw Untranslatable.unsupported(at, at + " must be an object.");
            }
            Object role = message.getValue("role");
            if (role == null) {
                throw Untranslatable.unsupported(at + ".role", at + ".role is required.");
            }
            switch (role.toString()) {
                // Anthropic takes instructions only as the top-level system prompt: all of them go there, in order.
                case "system", "developer" -> textBlocks(message.getValue("content"), at + ".content", system);
                case "user" -> append(turns, "user", userBlocks(message.getValue("content"), at + ".content"));
                case "assistant" -> append(turns, "assistant", assistantBlocks(message, at));
                case "tool" -> append(turns, "user", List.of(toolResult(message, at)));
                case "function" -> throw refused(at + ".role", "function messages (use tool messages)");
                default -> throw Untranslatable.unsupported(at + ".role", "Unknown role " + role + ".");
            }
        }
        if (turns.isEmpty()) {
            throw Untranslatable.unsupported("messages", "Anthropic needs at least one user message besides system messages.");
        }
        if (!"user".equals(turns.get(0).getString("role"))) {
            throw Untranslatable.unsupported("messages",
                    "Anthropic conversations must start with a user message (after any system messages).");
        }
        JsonArray out = new JsonArray();
        turns.forEach(out::add);
        return new Messages(system, out);
    }

    /** Anthropic wants alternating roles: consecutive messages of one role become one turn, tool results first. */
    private static void append(List<JsonObject> turns, String role, List<JsonObject> blocks) {
        if (blocks.isEmpty()) {
            return;
        }
        JsonObject last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
        if (last == null || !role.equals(last.getString("role"))) {
            turns.add(new JsonObject().put("role", role).put("content", new JsonArray(new ArrayList<>(blocks))));
            return;
        }
        JsonArray content = last.getJsonArray("content");
        List<Object> merged = new ArrayList<>(content.getList());
        merged.addAll(blocks);
        // Anthropic requires a user turn's tool_result blocks before any other content.
        List<Object> ordered = new ArrayList<>();
        merged.stream().filter(ChatToMessages::isToolResult).forEach(ordered::add);
        merged.stream().filter(b -> !isToolResult(b)).forEach(ordered::add);
        last.put("content", new JsonArray(ordered));
    }

    private static boolean isToolResult(Object block) {
        return block instanceof JsonObject b && "tool_result".equals(b.getString("type"));
    }

    private static void textBlocks(Object content, String at, JsonArray into) throws Untranslatable {
        if (content instanceof String text) {
            if (!text.isEmpty()) {
                into.add(text(text));
            }
            return;
        }
        if (!(content instanceof JsonArray parts)) {
            throw Untranslatable.unsupported(at, at + " must be a string or an array of text parts.");
        }
        for (int i = 0; i < parts.size(); i++) {
            JsonObject part = part(parts, i, at);
            if (!"text".equals(part.getString("type"))) {
                throw refused(at + "[" + i + "]", part.getString("type") + " content in this message role");
            }
            String text = part.getString("text", "");
            if (!text.isEmpty()) {
                into.add(cached(part, text(text), at + "[" + i + "]"));
            }
        }
    }

    private static JsonObject part(JsonArray parts, int i, String at) throws Untranslatable {
        if (!(parts.getValue(i) instanceof JsonObject part)) {
            throw Untranslatable.unsupported(at + "[" + i + "]", at + "[" + i + "] must be an object.");
        }
        return part;
    }

    /**
     * Anthropic's prompt caching, asked for by a chat client: a content part or tool carrying Anthropic's own
     * `cache_control` (`{"type": "ephemeral"}`, optionally with a `ttl`) marks the end of a cached prefix, as on
     * an Anthropic block. OpenAI itself caches without being asked, so the field is Anthropic's alone.
     */
    private static JsonObject cached(JsonObject from, JsonObject block, String at) throws Untranslatable {
        Object control = from.getValue("cache_control");
        if (control == null) {
            return block;
        }
        if (!(control instanceof JsonObject c) || !"ephemeral".equals(c.getValue("type"))) {
            throw Untranslatable.invalid(at + ".cache_control", at + ".cache_control must be {\"type\": \"ephemeral\"} (with an optional ttl).");
        }
        return block.put("cache_control", c.copy());
    }

    private static JsonObject text(String text) {
        return new JsonObject().put("type", "text").put("text", text);
    }

    private static List<JsonObject> userBlocks(Object content, String at) throws Untranslatable {
        List<JsonObject> blocks = new ArrayList<>();
        if (content instanceof String text) {
            if (!text.isEmpty()) {
                blocks.add(text(text));
            }
            return blocks;
        }
        if (!(content instanceof JsonArray parts)) {
            throw Untranslatable.unsupported(at, at + " must be a string or an array of content parts.");
        }
        for (int i = 0; i < parts.size(); i++) {
            JsonObject part = part(parts, i, at);
            String type = part.getString("type");
            if ("text".equals(type)) {
                String text = part.getString("text", "");
                if (!text.isEmpty()) {
                    blocks.add(cached(part, text(text), at + "[" + i + "]"));
                }
            } else if ("image_url".equals(type)) {
                blocks.add(cached(part, image(part.getValue("image_url"), at + "[" + i + "].image_url"), at + "[" + i + "]"));
            } else {
                throw refused(at + "[" + i + "]", type + " content parts");
            }
        }
        return blocks;
    }

    /** A data URI becomes a base64 source, an http(s) URL a url source; OpenAI's `detail` has no counterpart. */
    static JsonObject image(Object imageUrl, String at) throws Untranslatable {
        String url = imageUrl instanceof JsonObject o ? o.getString("url") : imageUrl instanceof String s ? s : null;
        if (url == null) {
            throw Untranslatable.unsupported(at, at + ".url is required.");
        }
        JsonObject source;
        if (url.startsWith("data:")) {
            int comma = url.indexOf(',');
            String meta = comma < 0 ? "" : url.substring(5, comma);
            if (!meta.endsWith(";base64")) {
                throw Untranslatable.unsupported(at, "Image data URIs must be base64-encoded.");
            }
            String mediaType = meta.substring(0, meta.length() - ";base64".length());
            if (!IMAGE_TYPES.contains(mediaType)) {
                throw refused(at, "images of type " + mediaType + " (only JPEG, PNG, GIF and WebP)");
            }
            source = new JsonObject().put("type", "base64").put("media_type", mediaType).put("data", url.substring(comma + 1));
        } else if (url.startsWith("https://") || url.startsWith("http://")) {
            source = new JsonObject().put("type", "url").put("url", url);
        } else {
            throw Untranslatable.unsupported(at, "Image URLs must be http(s) URLs or base64 data URIs.");
        }
        return new JsonObject().put("type", "image").put("source", source);
    }

    private static List<JsonObject> assistantBlocks(JsonObject message, String at) throws Untranslatable {
        for (String field : List.of("audio", "function_call")) {
            if (message.getValue(field) != null) {
                throw refused(at + "." + field, "assistant " + field + " in the history");
            }
        }
        JsonArray texts = new JsonArray();
        Object content = message.getValue("content");
        if (content != null) {
            textBlocks(content, at + ".content", texts);
        }
        List<JsonObject> blocks = thinkingBlocks(message.getValue("thinking_blocks"), at + ".thinking_blocks");
        texts.forEach(b -> blocks.add((JsonObject) b));
        if (message.getValue("tool_calls") instanceof JsonArray calls) {
            for (int i = 0; i < calls.size(); i++) {
                blocks.add(toolUse(part(calls, i, at + ".tool_calls"), at + ".tool_calls[" + i + "]"));
            }
        }
        return blocks;
    }

    /**
     * The signed thinking of an earlier answer, as {@link MessageToChat} gave it to the client (`thinking_blocks`):
     * Anthropic needs it back, first in the assistant turn, when a tool use continues that turn. `reasoning_content`
     * alone is not sent back: Anthropic takes no thinking without its signature, and ignores earlier turns' thinking.
     */
    private static List<JsonObject> thinkingBlocks(Object value, String at) throws Untranslatable {
        List<JsonObject> blocks = new ArrayList<>();
        if (value == null) {
            return blocks;
        }
        if (!(value instanceof JsonArray given)) {
            throw Untranslatable.invalid(at, at + " must be an array of thinking blocks.");
        }
        for (int i = 0; i < given.size(); i++) {
            JsonObject block = part(given, i, at);
            String type = block.getString("type", "");
            boolean signed = "thinking".equals(type) && block.getValue("thinking") instanceof String
                    && block.getValue("signature") instanceof String signature && !signature.isEmpty();
            if (!signed && !("redacted_thinking".equals(type) && block.getValue("data") instanceof String)) {
                throw Untranslatable.invalid(at + "[" + i + "]",
                        at + "[" + i + "] must be a thinking block with its signature or a redacted_thinking block with its data.");
            }
            blocks.add(block.copy());
        }
        return blocks;
    }

    private static JsonObject toolUse(JsonObject call, String at) throws Untranslatable {
        if (!"function".equals(call.getString("type", "function")) || !(call.getValue("function") instanceof JsonObject function)) {
            throw refused(at, "tool calls of type " + call.getValue("type"));
        }
        String arguments = function.getString("arguments", "");
        JsonObject input;
        try {
            input = arguments.isBlank() ? new JsonObject() : new JsonObject(arguments);
        } catch (DecodeException | ClassCastException e) {
            throw Untranslatable.unsupported(at + ".function.arguments", at + ".function.arguments must be a JSON object.");
        }
        return new JsonObject().put("type", "tool_use").put("id", call.getString("id"))
                .put("name", function.getString("name")).put("input", input);
    }

    private static JsonObject toolResult(JsonObject message, String at) throws Untranslatable {
        Object id = message.getValue("tool_call_id");
        if (!(id instanceof String)) {
            throw Untranslatable.unsupported(at + ".tool_call_id", at + ".tool_call_id is required.");
        }
        JsonObject block = new JsonObject().put("type", "tool_result").put("tool_use_id", id);
        Object content = message.getValue("content");
        if (content instanceof String text) {
            block.put("content", text);
        } else {
            JsonArray texts = new JsonArray();
            textBlocks(content, at + ".content", texts);
            block.put("content", texts);
        }
        return block;
    }

    // ---- tools ----

    /** Translates tools, tool_choice and JSON mode; returns the JSON-mode tool's name when one was added. */
    private static String tools(JsonObject chat, JsonObject out) throws Untranslatable {
        JsonArray tools = new JsonArray();
        if (chat.getValue("tools") instanceof JsonArray given) {
            for (int i = 0; i < given.size(); i++) {
                tools.add(tool(part(given, i, "tools"), "tools[" + i + "]"));
            }
        } else if (chat.getValue("tools") != null) {
            throw Untranslatable.unsupported("tools", "tools must be an array.");
        }
        JsonObject choice = toolChoice(chat.getValue("tool_choice"));
        String jsonTool = jsonMode(chat.getValue("response_format"));
        if (jsonTool != null) {
            if (!tools.isEmpty()) {
                throw refused("response_format", "JSON mode together with tools");
            }
            // JSON mode has no Anthropic switch: the answer is forced through one tool whose input is the JSON.
            JsonObject format = (JsonObject) chat.getValue("response_format");
            JsonObject schema = format.getValue("json_schema") instanceof JsonObject js && js.getValue("schema") instanceof JsonObject s
                    ? s : new JsonObject().put("type", "object");
            String description = format.getValue("json_schema") instanceof JsonObject js && js.getValue("description") instanceof String d
                    ? d : "Respond with the answer as this tool's input.";
            tools.add(new JsonObject().put("name", JSON_TOOL).put("description", description).put("input_schema", schema));
            choice = new JsonObject().put("type", "tool").put("name", JSON_TOOL).put("disable_parallel_tool_use", true);
        }
        if (Boolean.FALSE.equals(chat.getValue("parallel_tool_calls")) && !tools.isEmpty()) {
            if (choice == null) {
                choice = new JsonObject().put("type", "auto");
            }
            if (!"none".equals(choice.getString("type"))) {
                choice.put("disable_parallel_tool_use", true);
            }
        }
        if (!tools.isEmpty()) {
            out.put("tools", tools);
        }
        if (choice != null) {
            out.put("tool_choice", choice);
        }
        return jsonTool;
    }

    private static JsonObject tool(JsonObject tool, String at) throws Untranslatable {
        if (!"function".equals(tool.getString("type")) || !(tool.getValue("function") instanceof JsonObject function)) {
            throw refused(at + ".type", "tools of type " + tool.getValue("type"));
        }
        if (!(function.getValue("name") instanceof String name)) {
            throw Untranslatable.unsupported(at + ".function.name", at + ".function.name is required.");
        }
        JsonObject schema = function.getValue("parameters") instanceof JsonObject p
                ? p : new JsonObject().put("type", "object").put("properties", new JsonObject());
        JsonObject out = new JsonObject().put("name", name).put("input_schema", schema);
        if (function.getValue("description") instanceof String description) {
            out.put("description", description);
        }
        return cached(tool, out, at);
    }

    private static JsonObject toolChoice(Object choice) throws Untranslatable {
        if (choice == null) {
            return null;
        }
        if (choice instanceof String mode) {
            return switch (mode) {
                case "auto" -> new JsonObject().put("type", "auto");
                case "none" -> new JsonObject().put("type", "none");
                case "required" -> new JsonObject().put("type", "any");
                default -> throw Untranslatable.unsupported("tool_choice", "Unknown tool_choice " + mode + ".");
            };
        }
        if (choice instanceof JsonObject o && "function".equals(o.getString("type"))
                && o.getValue("function") instanceof JsonObject f && f.getValue("name") instanceof String name) {
            return new JsonObject().put("type", "tool").put("name", name);
        }
        throw refused("tool_choice", "this tool_choice " + choice);
    }

    private static String jsonMode(Object format) throws Untranslatable {
        if (format == null) {
            return null;
        }
        String type = format instanceof JsonObject o ? o.getString("type") : null;
        if ("text".equals(type)) {
            return null;
        }
        if ("json_object".equals(type) || "json_schema".equals(type)) {
            return JSON_TOOL;
        }
        throw refused("response_format", "response_format " + type);
    }
}
