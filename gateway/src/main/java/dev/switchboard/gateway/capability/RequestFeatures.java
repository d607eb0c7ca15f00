package dev.switchboard.gateway.capability;

import java.util.EnumSet;
import java.util.Set;

import dev.switchboard.gateway.upstream.Operation;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The features one OpenAI request uses. The body is only parsed when a target actually restricts a feature the
 * endpoint and `stream` flag do not already tell, and then only once per request however many targets are checked:
 * requests to unrestricted providers keep the gateway's parse-free path.
 */
public final class RequestFeatures {

    private final Operation operation;
    private final boolean stream;
    private final Buffer body;
    private Set<Feature> detected;

    private RequestFeatures(Operation operation, boolean stream, Buffer body) {
        this.operation = operation;
        this.stream = stream;
        this.body = body;
    }

    /** The features of a request to the given endpoint; body is the request as the client sent it. */
    public static RequestFeatures of(Operation operation, boolean stream, Buffer body) {
        return new RequestFeatures(operation, stream, body);
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
            detected = detect(body);
        }
        return detected;
    }

    static Set<Feature> detect(Buffer body) {
        Set<Feature> found = EnumSet.noneOf(Feature.class);
        JsonObject json;
        try {
            json = new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            // The gateway already refused bodies that are not JSON objects; nothing to detect in anything else.
            return found;
        }
        if (nonEmpty(json.getValue("tools")) || nonEmpty(json.getValue("functions"))) {
            found.add(Feature.TOOLS);
        }
        if (json.getValue("response_format") instanceof JsonObject format) {
            if ("json_object".equals(format.getValue("type"))) {
                found.add(Feature.JSON_MODE);
            } else if ("json_schema".equals(format.getValue("type"))) {
                found.add(Feature.JSON_SCHEMA);
            }
        }
        if (json.getValue("messages") instanceof JsonArray messages) {
            for (Object m : messages) {
                if (m instanceof JsonObject message) {
                    message(message, found);
                }
            }
        }
        return found;
    }

    private static void message(JsonObject message, Set<Feature> found) {
        if ("tool".equals(message.getValue("role")) || nonEmpty(message.getValue("tool_calls"))) {
            found.add(Feature.TOOLS);
        }
        if (!(message.getValue("content") instanceof JsonArray parts)) {
            return;
        }
        for (Object p : parts) {
            if (p instanceof JsonObject part && part.getValue("type") instanceof String type) {
                switch (type) {
                    case "image_url" -> found.add(Feature.IMAGES);
                    case "input_audio" -> found.add(Feature.AUDIO);
                    case "file" -> found.add(Feature.FILES);
                    default -> {
                    }
                }
            }
        }
    }

    private static boolean nonEmpty(Object value) {
        return value instanceof JsonArray array && !array.isEmpty();
    }
}
