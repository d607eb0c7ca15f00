package dev.switchboard.gateway.capability;

/**
 * The request features a Provider can declare its models unable to serve (`Provider.spec.capabilities`); the names
 * are the routing table's. The description and request field go into the 400 the client gets.
 */
public enum Feature {
    CHAT("Chat", "chat completions", "model"),
    COMPLETIONS("Completions", "text completions", "model"),
    EMBEDDINGS("Embeddings", "embeddings", "model"),
    STREAMING("Streaming", "streaming (stream: true)", "stream"),
    IMAGES("Images", "image input (image_url content parts)", "messages"),
    AUDIO("Audio", "audio input (input_audio content parts)", "messages"),
    FILES("Files", "file input (file content parts)", "messages"),
    TOOLS("Tools", "tools (function calling)", "tools"),
    JSON_MODE("JsonMode", "JSON mode (response_format json_object)", "response_format"),
    JSON_SCHEMA("JsonSchema", "structured outputs (response_format json_schema)", "response_format");

    private final String tableName;
    private final String description;
    private final String param;

    Feature(String tableName, String description, String param) {
        this.tableName = tableName;
        this.description = description;
        this.param = param;
    }

    /** The name used in Provider.spec.capabilities and the routing table. */
    public String tableName() {
        return tableName;
    }

    public String description() {
        return description;
    }

    /** The request field the feature comes from, for the error's `param`. */
    public String param() {
        return param;
    }
}
