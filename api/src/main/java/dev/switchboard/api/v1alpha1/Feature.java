package dev.switchboard.api.v1alpha1;

/**
 * A request feature a Provider (or one of its models) may be declared unable to serve. The gateway detects each
 * one in the OpenAI request and answers 400 `unsupported_feature` instead of sending a request the model would
 * mishandle or silently ignore.
 */
public enum Feature {
    /** POST /v1/chat/completions. */
    Chat,
    /** POST /v1/completions (legacy text completions). */
    Completions,
    /** POST /v1/embeddings. */
    Embeddings,
    /** `stream: true`. */
    Streaming,
    /** `image_url` content parts. */
    Images,
    /** `input_audio` content parts. */
    Audio,
    /** `file` content parts (documents such as PDFs). */
    Files,
    /** `tools` / `functions` definitions, and tool calls or results in the history. */
    Tools,
    /** `response_format: {type: json_object}`. */
    JsonMode,
    /** `response_format: {type: json_schema}` (structured outputs). */
    JsonSchema
}
