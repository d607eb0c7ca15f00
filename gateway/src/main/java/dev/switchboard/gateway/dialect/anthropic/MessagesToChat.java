package dev.switchboard.gateway.dialect.anthropic;

import java.util.Set;

import dev.switchboard.gateway.dialect.ReasoningEffort;
import dev.switchboard.gateway.dialect.Untranslatable;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Translates an Anthropic Messages request into an OpenAI chat completion request, for /v1/messages calls served
 * by a provider that is not Anthropic. A pure function: what OpenAI's API cannot express is refused with a
 * {@link Untranslatable} naming it, in Anthropic's own validation wording where it has one.
 */
public final class MessagesToChat {

    private static final Set<String> FIELDS = Set.of("model", "messages", "max_tokens", "system", "stop_sequences",
            "temperature", "top_p", "top_k", "stream", "tools", "tool_choice", "metadata", "thinking", "service_tier",
            "container", "mcp_servers", "context_management");

    private MessagesToChat() {
    }

    public static JsonObject translate(JsonObject request) throws Untranslatable {
        for (String field : request.fieldNames()) {
            if (!FIELDS.contains(field)) {
                throw Untranslatable.unsupported(field, field + ": Extra inputs are not permitted");
            }
        }
        refuseUntranslatable(request);
        JsonObject chat = new JsonObject().put("model", request.getValue("model"));
        JsonArray messages = new JsonArray();
        system(request.getValue("system"), messages);
        if (!(request.getValue("messages") instanceof JsonArray given)) {
            throw Untranslatable.unsupported("messages", "messages: Field required");
        }
        for (int i = 0; i < given.size(); i++) {
            message(given.getValue(i), "messages." + i, messages);
        }
        chat.put("messages", messages);
        if (!(request.getValue("max_tokens") instanceof Number max) || max.intValue() < 1 || max.doubleValue() != max.intValue()) {
            throw Untranslatable.unsupported("max_tokens", request.getValue("max_tokens") == null
                    ? "max_tokens: Field required" : "max_tokens: must be a positive integer");
        }
        ReasoningEffort effort = thinking(request.getValue("thinking"), max.intValue());
        if (effort == null) {
            chat.put("max_tokens", max.intValue());
        } else {
            // Anthropic's max_tokens includes the thinking, as OpenAI's max_completion_tokens includes the reasoning
            // (and OpenAI's reasoning models take no max_tokens).
            chat.put("max_completion_tokens", max.intValue()).put("reasoning_effort", effort.wire());
        }
        number(request, "temperature", chat);
        number(request, "top_p", chat);
        if (request.getValue("stop_sequences") instanceof JsonArray stop && !stop.isEmpty()) {
            chat.put("stop", stop.copy());
        }
        if (request.getValue("metadata") instanceof JsonObject metadata && metadata.getValue("user_id") instanceof String user) {
            chat.put("user", user);
        }
        Object stream = request.getValue("stream");
        if (stream != null && !(stream instanceof Boolean)) {
            throw Untranslatable.unsupported("stream", "stream: Input should be a valid boolean");
        }
        if (Boolean.TRUE.equals(stream)) {
            // Usage is always asked for: Anthropic's stream reports it in message_delta.
            chat.put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
        }
        tools(request, chat);
        return chat;
    }

    private static void refuseUntranslatable(JsonObject request) throws Untranslatable {
        if (request.getValue("top_k") != null) {
            throw refused("top_k", "top_k");
        }
        Object tier = request.getValue("service_tier");
        if (tier != null && !"auto".equals(tier)) {
            throw refused("service_tier", "service_tier " + tier);
        }
        for (String field : new String[] { "container", "mcp_servers", "context_management" }) {
            if (request.getValue(field) != null) {
                throw refused(field, field);
            }
        }
    }

    /**
     * Extended thinking → reasoning_effort, by the budget (see {@link ReasoningEffort}); null when thinking is off.
     * The checks are Anthropic's own, so a request refused here would be refused by Anthropic too.
     */
    private static ReasoningEffort thinking(Object value, int maxTokens) throws Untranslatable {
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonObject thinking)) {
            throw Untranslatable.invalid("thinking", "thinking: Input should be a valid dictionary");
        }
        switch (thinking.getString("type", "")) {
            case "disabled" -> {
                return null;
            }
            case "enabled" -> {
                if (!(thinking.getValue("budget_tokens") instanceof Number budget) || budget.doubleValue() != budget.intValue()) {
                    throw Untranslatable.invalid("thinking.enabled.budget_tokens", "thinking.enabled.budget_tokens: Field required");
                }
                if (budget.intValue() < 1024) {
                    throw Untranslatable.invalid("thinking.enabled.budget_tokens",
                            "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
                }
                if (budget.intValue() >= maxTokens) {
                    throw Untranslatable.invalid("max_tokens", "`max_tokens` must be greater than `thinking.budget_tokens`.");
                }
                return ReasoningEffort.ofBudget(budget.intValue());
            }
            default -> throw refused("thinking.type", "thinking of type " + thinking.getValue("type"));
        }
    }

    private static Untranslatable refused(String param, String feature) {
        return Untranslatable.unsupported(param, feature + ": not supported by the provider serving this model (only Anthropic providers support it).");
    }

    private static void number(JsonObject from, String field, JsonObject to) throws Untranslatable {
        Object value = from.getValue(field);
        if (value == null) {
            return;
        }
        if (!(value instanceof Number)) {
            throw Untranslatable.unsupported(field, field + ": Input should be a valid number");
        }
        to.put(field, value);
    }

    private static void system(Object system, JsonArray messages) throws Untranslatable {
        if (system == null) {
            return;
        }
        if (system instanceof String text) {
            if (!text.isEmpty()) {
                messages.add(new JsonObject().put("role", "system").put("content", text));
            }
            return;
        }
        if (!(system instanceof JsonArray blocks)) {
            throw Untranslatable.unsupported("system", "system: Input should be a valid string or a list of text blocks");
        }
        JsonArray parts = new JsonArray();
        for (int i = 0; i < blocks.size(); i++) {
            JsonObject block = object(blocks.getValue(i), "system." + i);
            if (!"text".equals(block.getString("type"))) {
                throw Untranslatable.unsupported("system." + i, "system." + i + ": only text blocks are allowed in system");
            }
            // cache_control is a caching hint for Anthropic only; it does not change the answer.
            parts.add(new JsonObject().put("type", "text").put("text", block.getString("text", "")));
        }
        if (!parts.isEmpty()) {
            messages.add(new JsonObject().put("role", "system").put("content", parts));
        }
    }

    private static JsonObject object(Object value, String at) throws Untranslatable {
        if (!(value instanceof JsonObject object)) {
            throw Untranslatable.unsupported(at, at + ": Input should be a valid dictionary");
        }
        return object;
    }

    private static void message(Object value, String at, JsonArray out) throws Untranslatable {
        JsonObject message = object(value, at);
        String role = message.getString("role");
        if (!"user".equals(role) && !"assistant".equals(role)) {
            throw Untranslatable.unsupported(at + ".role", at + ".role: Input should be 'user' or 'assistant'");
        }
        Object content = message.getValue("content");
        if (content instanceof String text) {
            out.add(new JsonObject().put("role", role).put("content", text));
            return;
        }
        if (!(content instanceof JsonArray blocks)) {
            throw Untranslatable.unsupported(at + ".content", at + ".content: Field required");
        }
        JsonArray parts = new JsonArray();
        JsonArray toolCalls = new JsonArray();
        for (int i = 0; i < blocks.size(); i++) {
            String blockAt = at + ".content." + i;
            JsonObject block = object(blocks.getValue(i), blockAt);
            String type = block.getString("type", "");
            switch (type) {
                case "text" -> parts.add(new JsonObject().put("type", "text").put("text", block.getString("text", "")));
                case "image" -> {
                    if (!"user".equals(role)) {
                        throw Untranslatable.unsupported(blockAt, blockAt + ": images are only allowed in user messages");
                    }
                    parts.add(image(block, blockAt));
                }
                case "tool_use" -> {
                    if (!"assistant".equals(role)) {
                        throw Untranslatable.unsupported(blockAt, blockAt + ": tool_use blocks are only allowed in assistant messages");
                    }
                    Object input = block.getValue("input");
                    toolCalls.add(new JsonObject().put("id", block.getString("id")).put("type", "function")
                            .put("function", new JsonObject().put("name", block.getString("name"))
                                    .put("arguments", (input instanceof JsonObject o ? o : new JsonObject()).encode())));
                }
                case "tool_result" -> {
                    if (!"user".equals(role)) {
                        throw Untranslatable.unsupported(blockAt, blockAt + ": tool_result blocks are only allowed in user messages");
                    }
                    // OpenAI answers a tool call with a tool message right after the assistant's call.
                    out.add(toolResult(block, blockAt));
                }
                // Earlier thinking is signed for Anthropic alone and no other API takes it as input; Anthropic
                // itself leaves earlier turns' thinking out of the context, so the answer does not depend on it.
                case "thinking", "redacted_thinking" -> {
                    if (!"assistant".equals(role)) {
                        throw Untranslatable.unsupported(blockAt, blockAt + ": " + type + " blocks are only allowed in assistant messages");
                    }
                }
                default -> throw refused(blockAt + ".type", "content blocks of type " + type);
            }
        }
        if ("assistant".equals(role)) {
            if (parts.isEmpty() && toolCalls.isEmpty()) {
                return;
            }
            JsonObject assistant = new JsonObject().put("role", "assistant").put("content", parts.isEmpty() ? null : joinText(parts));
            if (!toolCalls.isEmpty()) {
                assistant.put("tool_calls", toolCalls);
            }
            out.add(assistant);
        } else if (!parts.isEmpty()) {
            out.add(new JsonObject().put("role", "user").put("content", parts));
        }
    }

    private static String joinText(JsonArray parts) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < parts.size(); i++) {
            text.append(parts.getJsonObject(i).getString("text"));
        }
        return text.toString();
    }

    private static JsonObject image(JsonObject block, String at) throws Untranslatable {
        JsonObject source = object(block.getValue("source"), at + ".source");
        String url = switch (source.getString("type", "")) {
            case "base64" -> "data:" + source.getString("media_type") + ";base64," + source.getString("data");
            case "url" -> source.getString("url");
            default -> throw refused(at + ".source.type", "image sources of type " + source.getValue("type"));
        };
        return new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", url));
    }

    private static JsonObject toolResult(JsonObject block, String at) throws Untranslatable {
        Object content = block.getValue("content");
        String text;
        if (content == null) {
            text = "";
        } else if (content instanceof String s) {
            text = s;
        } else if (content instanceof JsonArray blocks) {
            StringBuilder joined = new StringBuilder();
            for (int i = 0; i < blocks.size(); i++) {
                JsonObject part = object(blocks.getValue(i), at + ".content." + i);
                if (!"text".equals(part.getString("type"))) {
                    throw refused(at + ".content." + i, part.getString("type") + " blocks in a tool_result");
                }
                joined.append(part.getString("text", ""));
            }
            text = joined.toString();
        } else {
            throw Untranslatable.unsupported(at + ".content", at + ".content: Input should be a valid string or list");
        }
        if (Boolean.TRUE.equals(block.getValue("is_error"))) {
            // OpenAI tool messages have no error flag; the marker keeps the fact visible to the model.
            text = "[tool error] " + text;
        }
        return new JsonObject().put("role", "tool").put("tool_call_id", block.getString("tool_use_id")).put("content", text);
    }

    private static void tools(JsonObject request, JsonObject chat) throws Untranslatable {
        if (request.getValue("tools") instanceof JsonArray tools && !tools.isEmpty()) {
            JsonArray out = new JsonArray();
            for (int i = 0; i < tools.size(); i++) {
                JsonObject tool = object(tools.getValue(i), "tools." + i);
                Object type = tool.getValue("type");
                if (type != null && !"custom".equals(type)) {
                    throw refused("tools." + i + ".type", "server tools (" + type + ")");
                }
                JsonObject function = new JsonObject().put("name", tool.getString("name"))
                        .put("parameters", tool.getValue("input_schema") instanceof JsonObject s ? s : new JsonObject().put("type", "object"));
                if (tool.getValue("description") instanceof String description) {
                    function.put("description", description);
                }
                out.add(new JsonObject().put("type", "function").put("function", function));
            }
            chat.put("tools", out);
        }
        if (!(request.getValue("tool_choice") instanceof JsonObject choice)) {
            return;
        }
        switch (choice.getString("type", "")) {
            case "auto" -> chat.put("tool_choice", "auto");
            case "any" -> chat.put("tool_choice", "required");
            case "none" -> chat.put("tool_choice", "none");
            case "tool" -> chat.put("tool_choice", new JsonObject().put("type", "function")
                    .put("function", new JsonObject().put("name", choice.getString("name"))));
            default -> throw Untranslatable.unsupported("tool_choice.type", "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'");
        }
        if (Boolean.TRUE.equals(choice.getValue("disable_parallel_tool_use")) && chat.containsKey("tools")) {
            chat.put("parallel_tool_calls", false);
        }
    }
}
