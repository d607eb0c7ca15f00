package dev.switchboard.gateway.testing;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The Messages API's request validation, as its reference documents it, for {@link AnthropicSimulator}: a request
 * the real API would reject is rejected here too (with the API's wording where known), so translation bugs
 * surface in tests instead of in production.
 */
final class AnthropicRequestRules {

    private static final Set<String> FIELDS = Set.of("model", "messages", "max_tokens", "system", "stop_sequences",
            "temperature", "top_p", "top_k", "stream", "tools", "tool_choice", "metadata", "thinking", "service_tier");
    private static final Set<String> COUNT_FIELDS = Set.of("model", "messages", "system", "tools", "tool_choice", "thinking",
            "mcp_servers");
    private static final Set<String> MEDIA_TYPES = Set.of("image/jpeg", "image/png", "image/gif", "image/webp");
    private static final Pattern TOOL_NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,128}$");
    private static final Pattern TOOL_ID = Pattern.compile("^[a-zA-Z0-9_-]+$");
    private static final Pattern BASE64 = Pattern.compile("^[A-Za-z0-9+/]*={0,2}$");

    /** Thrown with the API's error message. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private AnthropicRequestRules() {
    }

    /** count_tokens takes the request without what only generation needs. */
    static void validateCount(JsonObject body) throws Invalid {
        fields(body, COUNT_FIELDS);
        system(body.getValue("system"));
        Set<String> toolNames = tools(body.getValue("tools"));
        toolChoice(body.getValue("tool_choice"), toolNames);
        messages(body.getValue("messages"));
    }

    private static void fields(JsonObject body, Set<String> allowed) throws Invalid {
        for (String field : body.fieldNames()) {
            if (!allowed.contains(field)) {
                throw new Invalid(field + ": Extra inputs are not permitted");
            }
        }
        if (!(body.getValue("model") instanceof String)) {
            throw new Invalid("model: Field required");
        }
    }

    static void validate(JsonObject body) throws Invalid {
        fields(body, FIELDS);
        if (body.getValue("max_tokens") == null) {
            throw new Invalid("max_tokens: Field required");
        }
        if (!(body.getValue("max_tokens") instanceof Integer max) || max < 1) {
            throw new Invalid("max_tokens: Input should be greater than or equal to 1");
        }
        range(body, "temperature", 0, 1);
        range(body, "top_p", 0, 1);
        if (body.getValue("top_k") != null && !(body.getValue("top_k") instanceof Integer)) {
            throw new Invalid("top_k: Input should be a valid integer");
        }
        if (body.getValue("stream") != null && !(body.getValue("stream") instanceof Boolean)) {
            throw new Invalid("stream: Input should be a valid boolean");
        }
        stopSequences(body.getValue("stop_sequences"));
        system(body.getValue("system"));
        metadata(body.getValue("metadata"));
        Set<String> toolNames = tools(body.getValue("tools"));
        toolChoice(body.getValue("tool_choice"), toolNames);
        messages(body.getValue("messages"));
        thinking(body);
    }

    /** Extended thinking's own rules: a budget of at least 1024 below max_tokens, default sampling, no forced tool. */
    private static void thinking(JsonObject body) throws Invalid {
        Object value = body.getValue("thinking");
        if (value == null) {
            return;
        }
        JsonObject thinking = object(value, "thinking");
        String type = thinking.getString("type", "");
        if ("disabled".equals(type)) {
            return;
        }
        if (!"enabled".equals(type)) {
            throw new Invalid("thinking.type: Input tag '" + type + "' found using 'type' does not match any of the expected tags: 'enabled', 'disabled'");
        }
        if (!(thinking.getValue("budget_tokens") instanceof Integer budget)) {
            throw new Invalid("thinking.enabled.budget_tokens: Field required");
        }
        if (budget < 1024) {
            throw new Invalid("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
        }
        if (budget >= body.getInteger("max_tokens")) {
            throw new Invalid("`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size");
        }
        if (body.getValue("temperature") instanceof Number t && t.doubleValue() != 1) {
            throw new Invalid("`temperature` may only be set to 1 when thinking is enabled. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#important-considerations-when-using-extended-thinking");
        }
        if (body.getValue("top_p") instanceof Number p && p.doubleValue() < 0.95) {
            throw new Invalid("`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled.");
        }
        if (body.getValue("top_k") != null) {
            throw new Invalid("`top_k` must be unset when thinking is enabled.");
        }
        if (body.getValue("tool_choice") instanceof JsonObject choice && !List.of("auto", "none").contains(choice.getString("type"))) {
            throw new Invalid("Thinking may not be enabled when tool_choice forces tool use.");
        }
        toolLoopStartsWithThinking(body.getJsonArray("messages"));
    }

    /**
     * A tool loop under way (the last turn answers the previous assistant turn's tool use) continues that assistant
     * turn: with thinking on, Anthropic needs it to start with its (signed) thinking.
     */
    private static void toolLoopStartsWithThinking(JsonArray messages) throws Invalid {
        int last = messages.size() - 1;
        if (last < 1 || !(messages.getJsonObject(last).getValue("content") instanceof JsonArray answer)
                || answer.stream().noneMatch(b -> b instanceof JsonObject o && "tool_result".equals(o.getString("type")))
                || !(messages.getJsonObject(last - 1).getValue("content") instanceof JsonArray turn) || turn.isEmpty()) {
            return;
        }
        String first = turn.getJsonObject(0).getString("type");
        if (!"thinking".equals(first) && !"redacted_thinking".equals(first)) {
            throw new Invalid("messages." + (last - 1) + ".content.0.type: Expected `thinking` or `redacted_thinking`, but found `" + first
                    + "`. When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks).");
        }
    }

    private static void range(JsonObject body, String field, double min, double max) throws Invalid {
        Object value = body.getValue(field);
        if (value == null) {
            return;
        }
        if (!(value instanceof Number n)) {
            throw new Invalid(field + ": Input should be a valid number");
        }
        if (n.doubleValue() < min || n.doubleValue() > max) {
            throw new Invalid(field + ": Input should be less than or equal to " + (int) max);
        }
    }

    private static void stopSequences(Object value) throws Invalid {
        if (value == null) {
            return;
        }
        if (!(value instanceof JsonArray array)) {
            throw new Invalid("stop_sequences: Input should be a valid list");
        }
        for (int i = 0; i < array.size(); i++) {
            if (!(array.getValue(i) instanceof String)) {
                throw new Invalid("stop_sequences." + i + ": Input should be a valid string");
            }
        }
    }

    private static void system(Object value) throws Invalid {
        if (value == null || value instanceof String) {
            return;
        }
        if (!(value instanceof JsonArray blocks)) {
            throw new Invalid("system: Input should be a valid string or list");
        }
        for (int i = 0; i < blocks.size(); i++) {
            JsonObject block = object(blocks.getValue(i), "system." + i);
            if (!"text".equals(block.getString("type"))) {
                throw new Invalid("system." + i + ".type: Input should be 'text'");
            }
            text(block, "system." + i);
        }
    }

    private static void metadata(Object value) throws Invalid {
        if (value == null) {
            return;
        }
        JsonObject metadata = object(value, "metadata");
        for (String field : metadata.fieldNames()) {
            if (!field.equals("user_id")) {
                throw new Invalid("metadata." + field + ": Extra inputs are not permitted");
            }
        }
    }

    private static Set<String> tools(Object value) throws Invalid {
        Set<String> names = new HashSet<>();
        if (value == null) {
            return names;
        }
        if (!(value instanceof JsonArray tools)) {
            throw new Invalid("tools: Input should be a valid list");
        }
        for (int i = 0; i < tools.size(); i++) {
            String at = "tools." + i;
            JsonObject tool = object(tools.getValue(i), at);
            for (String field : tool.fieldNames()) {
                if (!List.of("name", "description", "input_schema", "type", "cache_control").contains(field)) {
                    throw new Invalid(at + "." + field + ": Extra inputs are not permitted");
                }
            }
            if (!(tool.getValue("name") instanceof String name) || !TOOL_NAME.matcher(name).matches()) {
                throw new Invalid(at + ".name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'");
            }
            if (!names.add(name)) {
                throw new Invalid("tools: Tool names must be unique.");
            }
            if (!(tool.getValue("input_schema") instanceof JsonObject schema)) {
                throw new Invalid(at + ".input_schema: Field required");
            }
            if (!"object".equals(schema.getValue("type"))) {
                throw new Invalid(at + ".input_schema.type: Input should be 'object'");
            }
        }
        return names;
    }

    private static void toolChoice(Object value, Set<String> toolNames) throws Invalid {
        if (value == null) {
            return;
        }
        JsonObject choice = object(value, "tool_choice");
        String type = choice.getString("type", "");
        switch (type) {
            case "auto", "any", "none", "tool" -> {
            }
            default -> throw new Invalid("tool_choice.type: Input tag '" + type + "' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'");
        }
        if (!type.equals("none") && toolNames.isEmpty()) {
            throw new Invalid("tool_choice: tool_choice may only be specified while providing tools.");
        }
        if (type.equals("tool") && !toolNames.contains(choice.getString("name", ""))) {
            throw new Invalid("tool_choice.name: Tool '" + choice.getValue("name") + "' not found in tools.");
        }
        if (choice.getValue("disable_parallel_tool_use") != null && !(choice.getValue("disable_parallel_tool_use") instanceof Boolean)) {
            throw new Invalid("tool_choice.disable_parallel_tool_use: Input should be a valid boolean");
        }
    }

    private static void messages(Object value) throws Invalid {
        if (value == null) {
            throw new Invalid("messages: Field required");
        }
        if (!(value instanceof JsonArray messages) || messages.isEmpty()) {
            throw new Invalid("messages: at least one message is required");
        }
        Set<String> openToolUses = new HashSet<>();
        String previousRole = null;
        for (int i = 0; i < messages.size(); i++) {
            String at = "messages." + i;
            JsonObject message = object(messages.getValue(i), at);
            Object role = message.getValue("role");
            if ("system".equals(role)) {
                throw new Invalid("Unexpected role \"system\". The Messages API accepts a top-level `system` parameter, not \"system\" as an input message role.");
            }
            if (!"user".equals(role) && !"assistant".equals(role)) {
                throw new Invalid(at + ".role: Input should be 'user' or 'assistant'");
            }
            if (i == 0 && !"user".equals(role)) {
                throw new Invalid("messages: first message must use the \"user\" role");
            }
            if (role.equals(previousRole)) {
                throw new Invalid("messages: roles must alternate between \"user\" and \"assistant\", but found multiple \"" + role + "\" roles in a row");
            }
            previousRole = (String) role;
            boolean last = i == messages.size() - 1;
            Set<String> answered = new HashSet<>();
            Set<String> used = new HashSet<>();
            content(message.getValue("content"), (String) role, at, last, openToolUses, answered, used);
            if ("user".equals(role)) {
                openToolUses.removeAll(answered);
                if (!openToolUses.isEmpty()) {
                    throw new Invalid("messages." + (i - 1) + ": `tool_use` ids were found without `tool_result` blocks immediately after: "
                            + String.join(", ", openToolUses) + ". Each `tool_use` block must have a corresponding `tool_result` block in the next message.");
                }
            } else {
                openToolUses = used;
            }
        }
    }

    private static void content(Object content, String role, String at, boolean last, Set<String> openToolUses,
            Set<String> answered, Set<String> used) throws Invalid {
        if (content instanceof String text) {
            if (text.isEmpty()) {
                throw new Invalid(at + ": text content blocks must be non-empty");
            }
            trailingWhitespace(role, last, text, at);
            return;
        }
        if (!(content instanceof JsonArray blocks)) {
            throw new Invalid(at + ".content: Field required");
        }
        if (blocks.isEmpty()) {
            throw new Invalid(at + ": all messages must have non-empty content except for the optional final assistant message");
        }
        boolean otherSeen = false;
        for (int b = 0; b < blocks.size(); b++) {
            String blockAt = at + ".content." + b;
            JsonObject block = object(blocks.getValue(b), blockAt);
            String type = block.getString("type", "");
            switch (type) {
                case "text" -> {
                    text(block, blockAt);
                    if (b == blocks.size() - 1) {
                        trailingWhitespace(role, last, block.getString("text"), at);
                    }
                    otherSeen = true;
                }
                case "image" -> {
                    if (!"user".equals(role)) {
                        throw new Invalid(blockAt + ": image blocks are only allowed in user messages");
                    }
                    image(block, blockAt);
                    otherSeen = true;
                }
                case "tool_use" -> {
                    if (!"assistant".equals(role)) {
                        throw new Invalid(blockAt + ": tool_use blocks are only allowed in assistant messages");
                    }
                    if (!(block.getValue("id") instanceof String id) || !TOOL_ID.matcher(id).matches()) {
                        throw new Invalid(blockAt + ".id: String should match pattern '^[a-zA-Z0-9_-]+$'");
                    }
                    if (!(block.getValue("name") instanceof String)) {
                        throw new Invalid(blockAt + ".name: Field required");
                    }
                    if (!(block.getValue("input") instanceof JsonObject)) {
                        throw new Invalid(blockAt + ".input: Input should be a valid dictionary");
                    }
                    used.add(id);
                }
                case "tool_result" -> {
                    if (!"user".equals(role)) {
                        throw new Invalid(blockAt + ": tool_result blocks are only allowed in user messages");
                    }
                    if (otherSeen) {
                        throw new Invalid(at + ": tool_result blocks must come first in the content, before any other block");
                    }
                    String id = block.getString("tool_use_id");
                    if (id == null || !openToolUses.contains(id)) {
                        throw new Invalid(blockAt + ": unexpected `tool_use_id` found in `tool_result` blocks: " + id
                                + ". Each `tool_result` block must have a corresponding `tool_use` block in the previous message.");
                    }
                    answered.add(id);
                    toolResultContent(block.getValue("content"), blockAt);
                    if (block.getValue("is_error") != null && !(block.getValue("is_error") instanceof Boolean)) {
                        throw new Invalid(blockAt + ".is_error: Input should be a valid boolean");
                    }
                }
                case "thinking" -> {
                    if (!"assistant".equals(role)) {
                        throw new Invalid(blockAt + ": thinking blocks are only allowed in assistant messages");
                    }
                    if (!(block.getValue("thinking") instanceof String thought) || !(block.getValue("signature") instanceof String signature)) {
                        throw new Invalid(blockAt + ".signature: Field required");
                    }
                    if (!AnthropicSimulator.signature(thought).equals(signature)) {
                        throw new Invalid(blockAt + ": Invalid `signature` in `thinking` block");
                    }
                }
                case "redacted_thinking" -> {
                    if (!"assistant".equals(role) || !(block.getValue("data") instanceof String)) {
                        throw new Invalid(blockAt + ".data: Field required");
                    }
                }
                default -> throw new Invalid(blockAt + ".type: Input tag '" + type
                        + "' found using 'type' does not match any of the expected tags: 'text', 'image', 'tool_use', 'tool_result', 'document'");
            }
            cacheControl(block.getValue("cache_control"), blockAt);
        }
    }

    private static void cacheControl(Object value, String at) throws Invalid {
        if (value == null) {
            return;
        }
        if (!(value instanceof JsonObject control) || !"ephemeral".equals(control.getValue("type"))) {
            throw new Invalid(at + ".cache_control.type: Input should be 'ephemeral'");
        }
        Object ttl = control.getValue("ttl");
        if (ttl != null && !"5m".equals(ttl) && !"1h".equals(ttl)) {
            throw new Invalid(at + ".cache_control.ttl: Input should be '5m' or '1h'");
        }
    }

    private static void trailingWhitespace(String role, boolean last, String text, String at) throws Invalid {
        if ("assistant".equals(role) && last && !text.isEmpty() && Character.isWhitespace(text.charAt(text.length() - 1))) {
            throw new Invalid(at + ": final assistant content cannot end with trailing whitespace");
        }
    }

    private static void toolResultContent(Object content, String at) throws Invalid {
        if (content == null || content instanceof String) {
            return;
        }
        if (!(content instanceof JsonArray blocks)) {
            throw new Invalid(at + ".content: Input should be a valid string or list");
        }
        for (int i = 0; i < blocks.size(); i++) {
            JsonObject block = object(blocks.getValue(i), at + ".content." + i);
            switch (block.getString("type", "")) {
                case "text" -> text(block, at + ".content." + i);
                case "image" -> image(block, at + ".content." + i);
                default -> throw new Invalid(at + ".content." + i + ".type: Input should be 'text' or 'image'");
            }
        }
    }

    private static void text(JsonObject block, String at) throws Invalid {
        if (!(block.getValue("text") instanceof String text)) {
            throw new Invalid(at + ".text: Field required");
        }
        if (text.isEmpty()) {
            throw new Invalid(at + ": text content blocks must be non-empty");
        }
    }

    private static void image(JsonObject block, String at) throws Invalid {
        JsonObject source = object(block.getValue("source"), at + ".source");
        switch (source.getString("type", "")) {
            case "base64" -> {
                if (!MEDIA_TYPES.contains(source.getString("media_type", ""))) {
                    throw new Invalid(at + ".source.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'");
                }
                if (!(source.getValue("data") instanceof String data) || data.isEmpty() || !BASE64.matcher(data).matches()) {
                    throw new Invalid(at + ".source.data: invalid base64 data");
                }
            }
            case "url" -> {
                if (!(source.getValue("url") instanceof String url) || !(url.startsWith("https://") || url.startsWith("http://"))) {
                    throw new Invalid(at + ".source.url: Input should be a valid URL");
                }
            }
            default -> throw new Invalid(at + ".source.type: Input tag '" + source.getValue("type")
                    + "' found using 'type' does not match any of the expected tags: 'base64', 'url'");
        }
    }

    private static JsonObject object(Object value, String at) throws Invalid {
        if (!(value instanceof JsonObject object)) {
            throw new Invalid(at + ": Input should be a valid dictionary");
        }
        return object;
    }
}
