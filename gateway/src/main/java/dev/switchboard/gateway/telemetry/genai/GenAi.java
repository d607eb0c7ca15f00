package dev.switchboard.gateway.telemetry.genai;

import java.util.Locale;

/**
 * The OpenTelemetry GenAI semantic-convention names the gateway writes, in traces and metrics alike, and how the
 * gateway's own vocabulary (operations, provider types) maps onto their well-known values.
 */
public final class GenAi {

    public static final String OPERATION_NAME = "gen_ai.operation.name";
    public static final String PROVIDER_NAME = "gen_ai.provider.name";
    public static final String REQUEST_MODEL = "gen_ai.request.model";
    public static final String RESPONSE_MODEL = "gen_ai.response.model";
    public static final String REQUEST_STREAM = "gen_ai.request.stream";
    public static final String USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens";
    public static final String USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
    public static final String USAGE_CACHE_READ_INPUT_TOKENS = "gen_ai.usage.cache_read.input_tokens";
    public static final String RESPONSE_FINISH_REASONS = "gen_ai.response.finish_reasons";
    public static final String TOKEN_TYPE = "gen_ai.token.type";
    public static final String INPUT_MESSAGES = "gen_ai.input.messages";
    public static final String OUTPUT_MESSAGES = "gen_ai.output.messages";
    public static final String ERROR_TYPE = "error.type";

    private GenAi() {
    }

    /** gen_ai.operation.name of an endpoint or upstream operation: chat (Messages and Responses too), text_completion, embeddings. */
    public static String operation(String endpoint) {
        return switch (endpoint) {
            case "chat", "CHAT", "messages", "MESSAGES", "responses", "RESPONSES" -> "chat";
            case "completions", "COMPLETIONS" -> "text_completion";
            case "embeddings", "EMBEDDINGS" -> "embeddings";
            default -> endpoint.toLowerCase(Locale.ROOT);
        };
    }

    /**
     * gen_ai.provider.name of a provider type: the convention's well-known value where there is one, else the type
     * in lower case (ollama, openai_compatible: a vLLM or an inner gateway behind the OpenAI API).
     */
    public static String provider(String providerType) {
        if (providerType == null) {
            return "none";
        }
        return switch (providerType) {
            case "OpenAI" -> "openai";
            case "AzureOpenAI" -> "azure.ai.openai";
            case "Anthropic" -> "anthropic";
            case "Gemini" -> "gcp.gemini";
            case "OpenAICompatible" -> "openai_compatible";
            default -> providerType.toLowerCase(Locale.ROOT);
        };
    }
}
