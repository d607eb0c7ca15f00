package dev.switchboard.gateway.json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * The few top-level fields of an OpenAI request or response the gateway acts on, found with a streaming scan
 * that also checks the whole document is one well-formed JSON object within {@link JsonLimits}. Edits splice bytes
 * at the recorded offsets, so everything else (messages, tools, choices) is forwarded byte for byte, never
 * re-serialized; a large document is neither copied to be scanned nor to be edited (the result shares its bytes).
 */
public final class JsonFields {

    /** Thrown for anything that is not exactly one JSON object, or that repeats a field the gateway acts on. */
    public static final class Invalid extends Exception {
        public Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** A value's byte range [start, end). */
    record Span(int start, int end) {
    }

    private record Edit(int start, int end, byte[] replacement) {
    }

    /** A boolean field holding something else. */
    public static final Object NOT_BOOLEAN = new Object();

    private static final byte[] NULL = { 'n', 'u', 'l', 'l' };
    /** Edited documents up to this size are written into one array (cheaper to relay); larger ones share the original's bytes. */
    private static final int COPY_BELOW = 64 * 1024;

    final Buffer json;
    int objectStart;
    boolean modelPresent;
    public String model;
    Span modelSpan;
    public Object stream;
    Span streamOptionsSpan;
    Object includeUsage;
    public Span usageSpan;
    public Integer promptTokens;
    /** usage.prompt_tokens_details.cached_tokens: the part of the prompt read from the provider's cache. */
    public Integer cachedTokens;
    public Integer completionTokens;
    /** Characters of generated content in the choices (text, refusals, reasoning, tool names and arguments). */
    public long contentChars;
    /** A choice carries a finish reason: the generation is over, only the usage chunk may follow. */
    public boolean finished;
    /** The first finish reason read (stop, length, tool_calls...), for the trace; null when none came. */
    public String finishReason;
    /** `max_tokens` or `max_completion_tokens` of a request (`max_output_tokens` of a Responses one), for the token reservation. */
    public Integer maxTokens;
    public boolean error;
    public int choices = -1;
    private final List<Edit> edits = new ArrayList<>(2);

    private JsonFields(Buffer json) {
        this.json = json;
    }

    public static JsonFields scan(Buffer json) throws Invalid {
        JsonFields fields = new JsonFields(json);
        try (JsonParser parser = JsonLimits.parser(JsonLimits.FACTORY, json)) {
            fields.read(parser);
        } catch (StreamConstraintsException e) {
            throw new Invalid(JsonLimits.describe(e));
        } catch (JsonProcessingException e) {
            throw new Invalid(e.getOriginalMessage());
        } catch (IOException e) {
            throw new Invalid(e.getMessage());
        }
        return fields;
    }

    private void read(JsonParser parser) throws IOException, Invalid {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            throw new Invalid("expected a JSON object");
        }
        objectStart = offset(parser);
        boolean seenStream = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            int start = offset(parser);
            switch (name) {
                case "model" -> {
                    // A repeated key would let the upstream read a different model than the one routed on.
                    requireFirst(modelPresent, name);
                    modelPresent = true;
                    if (value == JsonToken.VALUE_STRING) {
                        model = parser.getText();
                        modelSpan = new Span(start, end(parser));
                    } else {
                        parser.skipChildren();
                    }
                }
                case "stream" -> {
                    requireFirst(seenStream, name);
                    seenStream = true;
                    stream = booleanValue(value);
                    parser.skipChildren();
                }
                case "stream_options" -> {
                    requireFirst(streamOptionsSpan != null, name);
                    if (value == JsonToken.START_OBJECT) {
                        readStreamOptions(parser);
                    } else {
                        parser.skipChildren();
                    }
                    streamOptionsSpan = new Span(start, end(parser));
                }
                case "usage" -> {
                    if (value == JsonToken.START_OBJECT) {
                        readUsage(parser);
                        usageSpan = new Span(start, end(parser));
                    } else {
                        parser.skipChildren();
                    }
                }
                case "max_tokens", "max_completion_tokens", "max_output_tokens" -> {
                    if (value == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT) {
                        maxTokens = parser.getIntValue();
                    }
                    parser.skipChildren();
                }
                case "error" -> {
                    error = value != JsonToken.VALUE_NULL;
                    parser.skipChildren();
                }
                case "choices" -> {
                    if (value == JsonToken.START_ARRAY) {
                        choices = 0;
                        while (parser.nextToken() != JsonToken.END_ARRAY) {
                            choices++;
                            if (parser.currentToken() == JsonToken.START_OBJECT) {
                                readChoice(parser);
                            } else {
                                parser.skipChildren();
                            }
                        }
                    } else {
                        parser.skipChildren();
                    }
                }
                default -> parser.skipChildren();
            }
        }
        if (parser.currentToken() != JsonToken.END_OBJECT || parser.nextToken() != null) {
            throw new Invalid("expected exactly one JSON object");
        }
    }

    private void readStreamOptions(JsonParser parser) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (name.equals("include_usage")) {
                includeUsage = booleanValue(value);
            }
            parser.skipChildren();
        }
    }

    /** Chat's usage names, or the Responses API's (input_tokens, output_tokens, input_tokens_details). */
    private void readUsage(JsonParser parser) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (value == JsonToken.VALUE_NUMBER_INT && (name.equals("prompt_tokens") || name.equals("input_tokens"))) {
                promptTokens = parser.getIntValue();
            } else if (value == JsonToken.VALUE_NUMBER_INT && (name.equals("completion_tokens") || name.equals("output_tokens"))) {
                completionTokens = parser.getIntValue();
            } else if (value == JsonToken.START_OBJECT && (name.equals("prompt_tokens_details") || name.equals("input_tokens_details"))) {
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String detail = parser.currentName();
                    if (parser.nextToken() == JsonToken.VALUE_NUMBER_INT && detail.equals("cached_tokens")) {
                        cachedTokens = parser.getIntValue();
                    }
                    parser.skipChildren();
                }
            }
            parser.skipChildren();
        }
    }

    /**
     * One element of `choices`: its finish reason, and how much content it carries (`text` of a completion, the
     * strings of a chat `delta` or `message`), which is what a cut-short stream is charged by.
     */
    private void readChoice(JsonParser parser) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (name.equals("finish_reason")) {
                if (value == JsonToken.VALUE_STRING) {
                    finished = true;
                    if (finishReason == null) {
                        finishReason = parser.getText();
                    }
                }
            } else if (name.equals("text") && value == JsonToken.VALUE_STRING) {
                contentChars += parser.getTextLength();
            } else if ((name.equals("delta") || name.equals("message")) && value == JsonToken.START_OBJECT) {
                countContent(parser);
                continue;
            }
            parser.skipChildren();
        }
    }

    /** Adds the length of every generated string below the current object or array; ids, roles and types are not generated. */
    private void countContent(JsonParser parser) throws IOException {
        int depth = 1;
        String name = null;
        while (depth > 0) {
            JsonToken token = parser.nextToken();
            if (token == null) {
                return;
            }
            switch (token) {
                case FIELD_NAME -> name = parser.currentName();
                case START_OBJECT, START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                case VALUE_STRING -> {
                    if (name == null || !(name.equals("role") || name.equals("type") || name.equals("id"))) {
                        contentChars += parser.getTextLength();
                    }
                }
                default -> {
                }
            }
        }
    }

    private static Object booleanValue(JsonToken token) {
        return switch (token) {
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> NOT_BOOLEAN;
        };
    }

    private static void requireFirst(boolean seen, String name) throws Invalid {
        if (seen) {
            throw new Invalid("duplicate field " + name);
        }
    }

    private static int offset(JsonParser parser) {
        return (int) parser.currentTokenLocation().getByteOffset();
    }

    /** Where the current value ends: after its closing quote, brace or bracket. */
    private static int end(JsonParser parser) {
        return (int) parser.currentLocation().getByteOffset();
    }

    public boolean includeUsageRequested() {
        return Boolean.TRUE.equals(includeUsage);
    }

    public void replaceModel(String value) {
        if (modelSpan != null) {
            edits.add(new Edit(modelSpan.start(), modelSpan.end(), quoted(value)));
        }
    }

    /** Replaces usage by null: for a client that did not ask for it, exactly what OpenAI sends in that case. */
    public void hideUsage() {
        if (usageSpan != null) {
            edits.add(new Edit(usageSpan.start(), usageSpan.end(), NULL));
        }
    }

    /** Sets stream_options.include_usage to true, keeping any other stream option. */
    public void requestUsage() {
        if (streamOptionsSpan == null) {
            String field = "\"stream_options\":{\"include_usage\":true}" + (isEmptyObject() ? "" : ",");
            edits.add(new Edit(objectStart + 1, objectStart + 1, field.getBytes(StandardCharsets.UTF_8)));
            return;
        }
        JsonObject options;
        try {
            options = Json.decodeValue(json.slice(streamOptionsSpan.start(), streamOptionsSpan.end()))
                    instanceof JsonObject o ? o : new JsonObject();
        } catch (RuntimeException e) {
            options = new JsonObject();
        }
        edits.add(new Edit(streamOptionsSpan.start(), streamOptionsSpan.end(), options.put("include_usage", true).toBuffer().getBytes()));
    }

    private boolean isEmptyObject() {
        for (int i = objectStart + 1; i < json.length(); i++) {
            byte b = json.getByte(i);
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b == '}';
            }
        }
        return true;
    }

    /**
     * The document with every edit applied and {@code model} set: the body of one upstream attempt. The edits are
     * left as they were, so each attempt (each target's model name) starts from the same document.
     */
    public Buffer toBufferWithModel(String value) {
        if (modelSpan == null) {
            return toBuffer();
        }
        List<Edit> all = new ArrayList<>(edits.size() + 1);
        all.addAll(edits);
        all.add(new Edit(modelSpan.start(), modelSpan.end(), quoted(value)));
        return apply(all);
    }

    /** The document with every edit applied; the original bytes when there were none. */
    public Buffer toBuffer() {
        return apply(edits);
    }

    private Buffer apply(List<Edit> edits) {
        if (edits.isEmpty()) {
            return json;
        }
        edits.sort(Comparator.comparingInt(Edit::start));
        if (json.length() < COPY_BELOW) {
            Buffer out = Buffer.buffer(json.length() + 64);
            int at = 0;
            for (Edit edit : edits) {
                out.appendBuffer(json, at, edit.start() - at).appendBytes(edit.replacement());
                at = edit.end();
            }
            return out.appendBuffer(json, at, json.length() - at);
        }
        CompositeByteBuf out = Unpooled.compositeBuffer(2 * edits.size() + 1);
        int at = 0;
        for (Edit edit : edits) {
            slice(out, at, edit.start());
            out.addComponent(true, Unpooled.wrappedBuffer(edit.replacement()));
            at = edit.end();
        }
        slice(out, at, json.length());
        return Buffer.buffer(out);
    }

    private void slice(CompositeByteBuf out, int start, int end) {
        if (end > start) {
            out.addComponent(true, json.slice(start, end).getByteBuf());
        }
    }

    private static byte[] quoted(String value) {
        byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(value);
        byte[] out = new byte[escaped.length + 2];
        out[0] = '"';
        System.arraycopy(escaped, 0, out, 1, escaped.length);
        out[out.length - 1] = '"';
        return out;
    }
}
