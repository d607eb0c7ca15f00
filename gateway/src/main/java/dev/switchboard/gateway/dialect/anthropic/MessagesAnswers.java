package dev.switchboard.gateway.dialect.anthropic;

import java.util.Set;

import dev.switchboard.gateway.policy.cache.AnswerCodec;
import dev.switchboard.gateway.upstream.Operation;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Singleton;

/**
 * Anthropic's side of the response cache, for answers an Anthropic provider gave {@code /v1/messages} untranslated:
 * Messages events assembled into the message, and a message replayed as its events ({@code message_start}, each
 * content block with its deltas a few words at a time, {@code message_delta}, {@code message_stop}).
 */
@Singleton
public class MessagesAnswers implements AnswerCodec {

    @Override
    public Set<Operation> formats() {
        return Set.of(Operation.MESSAGES);
    }

    @Override
    public Assembly assemble() {
        return new Assembly() {
            private JsonObject message;
            private final JsonArray content = new JsonArray();
            private final StringBuilder json = new StringBuilder();
            private boolean stopped;
            private boolean failed;

            @Override
            public void event(JsonObject event) {
                String type = event.getString("type", "");
                switch (type) {
                    case "message_start" -> message = event.getJsonObject("message", new JsonObject()).copy();
                    case "content_block_start" -> {
                        content.add(event.getJsonObject("content_block", new JsonObject()).copy());
                        json.setLength(0);
                    }
                    case "content_block_delta" -> delta(event.getJsonObject("delta", new JsonObject()));
                    case "content_block_stop" -> {
                        JsonObject block = last();
                        if (block != null && "tool_use".equals(block.getString("type")) && !json.isEmpty()) {
                            block.put("input", new JsonObject(json.toString()));
                        }
                    }
                    case "message_delta" -> {
                        if (message != null) {
                            event.getJsonObject("delta", new JsonObject()).forEach(e -> message.put(e.getKey(), e.getValue()));
                            JsonObject usage = message.getJsonObject("usage", new JsonObject());
                            event.getJsonObject("usage", new JsonObject()).forEach(e -> usage.put(e.getKey(), e.getValue()));
                            message.put("usage", usage);
                        }
                    }
                    case "message_stop" -> stopped = true;
                    case "error" -> failed = true;
                    default -> {
                        // ping and unknown events carry nothing of the answer.
                    }
                }
            }

            private JsonObject last() {
                return content.isEmpty() ? null : content.getJsonObject(content.size() - 1);
            }

            private void delta(JsonObject delta) {
                JsonObject block = last();
                if (block == null) {
                    failed = true;
                    return;
                }
                switch (delta.getString("type", "")) {
                    case "text_delta" -> block.put("text", block.getString("text", "") + delta.getString("text", ""));
                    case "thinking_delta" -> block.put("thinking", block.getString("thinking", "") + delta.getString("thinking", ""));
                    case "signature_delta" -> block.put("signature", block.getString("signature", "") + delta.getString("signature", ""));
                    case "input_json_delta" -> json.append(delta.getString("partial_json", ""));
                    default -> failed = true;
                }
            }

            @Override
            public JsonObject whole(boolean terminated) {
                if (!stopped || failed || message == null || message.getValue("stop_reason") == null) {
                    return null;
                }
                return message.put("content", content);
            }
        };
    }

    @Override
    public Buffer stream(JsonObject whole) {
        Buffer out = Buffer.buffer();
        JsonObject usage = whole.getJsonObject("usage", new JsonObject());
        JsonObject start = whole.copy().put("content", new JsonArray()).putNull("stop_reason").putNull("stop_sequence")
                .put("usage", usage.copy().put("output_tokens", 1));
        AnswerCodec.event(out, "message_start", new JsonObject().put("type", "message_start").put("message", start));
        JsonArray content = whole.getJsonArray("content", new JsonArray());
        for (int index = 0; index < content.size(); index++) {
            int i = index;
            JsonObject block = content.getJsonObject(i);
            String type = block.getString("type", "");
            JsonObject opening = switch (type) {
                case "text" -> block.copy().put("text", "");
                case "thinking" -> block.copy().put("thinking", "").put("signature", "");
                case "tool_use", "server_tool_use" -> block.copy().put("input", new JsonObject());
                default -> block;
            };
            AnswerCodec.event(out, "content_block_start", new JsonObject().put("type", "content_block_start").put("index", i).put("content_block", opening));
            switch (type) {
                case "text" -> AnswerCodec.pieces(block.getString("text", "")).forEach(piece -> delta(out, i, "text_delta", "text", piece));
                case "thinking" -> {
                    AnswerCodec.pieces(block.getString("thinking", "")).forEach(piece -> delta(out, i, "thinking_delta", "thinking", piece));
                    if (block.getString("signature") != null) {
                        delta(out, i, "signature_delta", "signature", block.getString("signature"));
                    }
                }
                case "tool_use", "server_tool_use" -> delta(out, i, "input_json_delta", "partial_json",
                        block.getJsonObject("input", new JsonObject()).encode());
                default -> {
                    // Other blocks arrive whole in their start event.
                }
            }
            AnswerCodec.event(out, "content_block_stop", new JsonObject().put("type", "content_block_stop").put("index", i));
        }
        JsonObject delta = new JsonObject().put("stop_reason", whole.getValue("stop_reason")).put("stop_sequence", whole.getValue("stop_sequence"));
        AnswerCodec.event(out, "message_delta", new JsonObject().put("type", "message_delta").put("delta", delta)
                .put("usage", new JsonObject().put("output_tokens", usage.getValue("output_tokens", 0))));
        AnswerCodec.event(out, "message_stop", new JsonObject().put("type", "message_stop"));
        return out;
    }

    private static void delta(Buffer out, int index, String type, String field, String value) {
        AnswerCodec.event(out, "content_block_delta", new JsonObject().put("type", "content_block_delta").put("index", index)
                .put("delta", new JsonObject().put("type", type).put(field, value)));
    }
}
