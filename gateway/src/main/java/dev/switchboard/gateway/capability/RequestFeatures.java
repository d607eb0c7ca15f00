package dev.switchboard.gateway.capability;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import dev.switchboard.gateway.json.JsonLimits;
import dev.switchboard.gateway.upstream.Operation;
import io.vertx.core.buffer.Buffer;

/**
 * The features one request uses. The body is only read when a target actually restricts a feature the endpoint and
 * `stream` flag do not already tell, and then once per request however many targets are checked, with a streaming
 * scan (no tree): requests to unrestricted providers keep the gateway's parse-free path. Requests are read in the
 * API they were written for: an OpenAI request, or an Anthropic Messages request (/v1/messages), whose features are
 * those of the OpenAI request it translates to, so a Provider declares its capabilities once for both.
 */
public final class RequestFeatures {

    private final Operation operation;
    private final boolean stream;
    private final Buffer body;
    /** The API the body is written in: OpenAI's chat, completions or embeddings, Anthropic Messages, or Responses. */
    private enum Api { OPENAI, MESSAGES, RESPONSES }

    private final Api api;
    private Set<Feature> detected;

    private RequestFeatures(Operation operation, boolean stream, Buffer body, Api api) {
        this.operation = operation;
        this.stream = stream;
        this.body = body;
        this.api = api;
    }

    /** The features of an OpenAI request to the given endpoint; body is the request as the client sent it. */
    public static RequestFeatures of(Operation operation, boolean stream, Buffer body) {
        return new RequestFeatures(operation, stream, body, Api.OPENAI);
    }

    /** The features of an Anthropic Messages request as the client sent it: a chat, whichever target serves it. */
    public static RequestFeatures ofMessages(boolean stream, Buffer body) {
        return new RequestFeatures(Operation.CHAT, stream, body, Api.MESSAGES);
    }

    /** The features of an OpenAI Responses request as the client sent it: a chat, whichever target serves it. */
    public static RequestFeatures ofResponses(boolean stream, Buffer body) {
        return new RequestFeatures(Operation.CHAT, stream, body, Api.RESPONSES);
    }

    public boolean uses(Feature feature) {
        return switch (feature) {
            case CHAT -> operation == Operation.CHAT;
            case COMPLETIONS -> operation == Operation.COMPLETIONS;
            case EMBEDDINGS -> operation == Operation.EMBEDDINGS;
            case STREAMING -> stream;
            default -> operation != Operation.EMBEDDINGS && detected().contains(feature);
        };
    }

    private Set<Feature> detected() {
        if (detected == null) {
            detected = switch (api) {
                case OPENAI -> detect(body);
                case MESSAGES -> detectMessages(body);
                case RESPONSES -> detectResponses(body);
            };
        }
        return detected;
    }

    /** OpenAI: tools or functions, response_format, tool messages and calls, image, audio and file content parts. */
    static Set<Feature> detect(Buffer body) {
        Set<Feature> found = EnumSet.noneOf(Feature.class);
        scan(body, found, (field, parser, features) -> {
            switch (field) {
                case "tools", "functions" -> {
                    if (nonEmptyArray(parser)) {
                        features.add(Feature.TOOLS);
                    }
                }
                case "response_format" -> {
                    String type = typeOf(parser);
                    if ("json_object".equals(type)) {
                        features.add(Feature.JSON_MODE);
                    } else if ("json_schema".equals(type)) {
                        features.add(Feature.JSON_SCHEMA);
                    }
                }
                case "messages" -> messages(parser, features, (name, message, into) -> {
                    switch (name) {
                        case "role" -> {
                            if (message.currentToken() == JsonToken.VALUE_STRING && "tool".equals(message.getText())) {
                                into.add(Feature.TOOLS);
                            }
                            message.skipChildren();
                        }
                        case "tool_calls" -> {
                            if (nonEmptyArray(message)) {
                                into.add(Feature.TOOLS);
                            }
                        }
                        case "content" -> parts(message, into, type -> switch (type) {
                            case "image_url" -> Feature.IMAGES;
                            case "input_audio" -> Feature.AUDIO;
                            case "file" -> Feature.FILES;
                            default -> null;
                        });
                        default -> message.skipChildren();
                    }
                });
                default -> parser.skipChildren();
            }
        });
        return found;
    }

    /**
     * Anthropic Messages: tools (server tools included) and MCP servers, image blocks, document blocks (files), tool
     * use and tool results in the conversation.
     */
    static Set<Feature> detectMessages(Buffer body) {
        Set<Feature> found = EnumSet.noneOf(Feature.class);
        scan(body, found, (field, parser, features) -> {
            switch (field) {
                case "tools", "mcp_servers" -> {
                    if (nonEmptyArray(parser)) {
                        features.add(Feature.TOOLS);
                    }
                }
                case "messages" -> messages(parser, features, (name, message, into) -> {
                    if (name.equals("content")) {
                        parts(message, into, type -> switch (type) {
                            case "image" -> Feature.IMAGES;
                            case "document" -> Feature.FILES;
                            case "tool_use", "tool_result", "server_tool_use", "mcp_tool_use", "mcp_tool_result" -> Feature.TOOLS;
                            default -> null;
                        });
                    } else {
                        message.skipChildren();
                    }
                });
                default -> parser.skipChildren();
            }
        });
        return found;
    }

    /**
     * Responses: tools (built-in ones included), text.format json_object / json_schema, and in `input` function calls
     * and their outputs, image and file parts.
     */
    static Set<Feature> detectResponses(Buffer body) {
        Set<Feature> found = EnumSet.noneOf(Feature.class);
        scan(body, found, (field, parser, features) -> {
            switch (field) {
                case "tools" -> {
                    if (nonEmptyArray(parser)) {
                        features.add(Feature.TOOLS);
                    }
                }
                case "text" -> {
                    if (parser.currentToken() != JsonToken.START_OBJECT) {
                        parser.skipChildren();
                        return;
                    }
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String name = parser.currentName();
                        parser.nextToken();
                        String type = name.equals("format") ? typeOf(parser) : null;
                        if (type == null) {
                            parser.skipChildren();
                        } else if (type.equals("json_object")) {
                            features.add(Feature.JSON_MODE);
                        } else if (type.equals("json_schema")) {
                            features.add(Feature.JSON_SCHEMA);
                        }
                    }
                }
                case "input" -> messages(parser, features, (name, item, into) -> {
                    switch (name) {
                        case "type" -> {
                            if (item.currentToken() == JsonToken.VALUE_STRING
                                    && ("function_call".equals(item.getText()) || "function_call_output".equals(item.getText()))) {
                                into.add(Feature.TOOLS);
                            }
                            item.skipChildren();
                        }
                        case "content" -> parts(item, into, type -> switch (type) {
                            case "input_image" -> Feature.IMAGES;
                            case "input_file" -> Feature.FILES;
                            case "input_audio" -> Feature.AUDIO;
                            default -> null;
                        });
                        default -> item.skipChildren();
                    }
                });
                default -> parser.skipChildren();
            }
        });
        return found;
    }

    /** Reads one field's value, the parser on its first token; must consume the whole value. */
    private interface FieldReader {
        void read(String field, JsonParser parser, Set<Feature> features) throws IOException;
    }

    private interface PartType {
        Feature of(String type);
    }

    /** Calls the reader for each top-level field. A body that is not a readable JSON object uses nothing detectable. */
    private static void scan(Buffer body, Set<Feature> found, FieldReader reader) {
        try (JsonParser parser = JsonLimits.parser(JsonLimits.FACTORY, body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                reader.read(field, parser, found);
            }
        } catch (IOException e) {
            // The gateway already refused bodies that are not JSON objects; nothing more to detect in this one.
        }
    }

    /** Each object of a messages array, field by field. */
    private static void messages(JsonParser parser, Set<Feature> found, FieldReader reader) throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return;
        }
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                parser.skipChildren();
                continue;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                reader.read(field, parser, found);
            }
        }
    }

    /** The `type` of each object in a content array, mapped to a feature. */
    private static void parts(JsonParser parser, Set<Feature> found, PartType feature) throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return;
        }
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            String type = typeOf(parser);
            Feature used = type == null ? null : feature.of(type);
            if (used != null) {
                found.add(used);
            }
        }
    }

    /** The string `type` of the object the parser is on (consumed whole), or null. */
    private static String typeOf(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return null;
        }
        String type = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals("type") && value == JsonToken.VALUE_STRING) {
                type = parser.getText();
            } else {
                parser.skipChildren();
            }
        }
        return type;
    }

    /** Whether the value the parser is on is an array with at least one element (consumed whole). */
    private static boolean nonEmptyArray(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return false;
        }
        boolean nonEmpty = parser.nextToken() != JsonToken.END_ARRAY;
        if (nonEmpty) {
            parser.skipChildren();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                parser.skipChildren();
            }
        }
        return nonEmpty;
    }
}
