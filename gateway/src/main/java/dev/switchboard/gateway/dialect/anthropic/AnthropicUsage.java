package dev.switchboard.gateway.dialect.anthropic;

import io.vertx.core.json.JsonObject;

/**
 * Token counts in both APIs' terms. Anthropic's input_tokens exclude cache reads and writes, while OpenAI's
 * prompt_tokens include every input token and report the cached part in prompt_tokens_details.cached_tokens.
 */
public record AnthropicUsage(int inputTokens, int cacheReadTokens, int cacheCreationTokens, int outputTokens) {

    public static final AnthropicUsage NONE = new AnthropicUsage(0, 0, 0, 0);

    /** Reads an Anthropic usage object; fields it lacks keep the values of {@code previous}. */
    public static AnthropicUsage fromAnthropic(JsonObject usage, AnthropicUsage previous) {
        if (usage == null) {
            return previous;
        }
        return new AnthropicUsage(
                count(usage, "input_tokens", previous.inputTokens),
                count(usage, "cache_read_input_tokens", previous.cacheReadTokens),
                count(usage, "cache_creation_input_tokens", previous.cacheCreationTokens),
                count(usage, "output_tokens", previous.outputTokens));
    }

    /** Reads an OpenAI usage object. */
    public static AnthropicUsage fromOpenAi(JsonObject usage) {
        if (usage == null) {
            return NONE;
        }
        int prompt = count(usage, "prompt_tokens", 0);
        int cached = usage.getValue("prompt_tokens_details") instanceof JsonObject details ? count(details, "cached_tokens", 0) : 0;
        return new AnthropicUsage(Math.max(0, prompt - cached), cached, 0, count(usage, "completion_tokens", 0));
    }

    public int promptTokens() {
        return inputTokens + cacheReadTokens + cacheCreationTokens;
    }

    public JsonObject toOpenAi() {
        return new JsonObject()
                .put("prompt_tokens", promptTokens())
                .put("completion_tokens", outputTokens)
                .put("total_tokens", promptTokens() + outputTokens)
                .put("prompt_tokens_details", new JsonObject().put("cached_tokens", cacheReadTokens));
    }

    public JsonObject toAnthropic() {
        return new JsonObject()
                .put("input_tokens", inputTokens)
                .put("cache_creation_input_tokens", cacheCreationTokens)
                .put("cache_read_input_tokens", cacheReadTokens)
                .put("output_tokens", outputTokens);
    }

    private static int count(JsonObject usage, String field, int fallback) {
        return usage.getValue(field) instanceof Number n ? n.intValue() : fallback;
    }
}
