package dev.switchboard.api.v1alpha1;

/** The wire protocol and account kind of an upstream. */
public enum ProviderType {
    OpenAI,
    AzureOpenAI,
    Anthropic,
    Gemini,
    Ollama,
    /** Any server that speaks the OpenAI API: vLLM, LM Studio, DeepSeek, Ollama's /v1 and the like. */
    OpenAICompatible,
    /** In-process deterministic upstream for local runs, demos and tests. */
    Simulated
}
