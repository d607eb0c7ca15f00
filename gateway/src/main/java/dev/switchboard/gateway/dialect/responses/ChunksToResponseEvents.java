package dev.switchboard.gateway.dialect.responses;

import dev.switchboard.gateway.dialect.openai.ChatChunks;
import dev.switchboard.gateway.dialect.openai.ChatChunkEvents;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Translates OpenAI `chat.completion.chunk` events into the Responses API's event stream, numbered by
 * `sequence_number` as OpenAI numbers them: `response.created` and `response.in_progress`; for each output item its
 * `response.output_item.added`, its parts and deltas (`response.reasoning_text.delta`, `response.output_text.delta`,
 * `response.refusal.delta`, `response.function_call_arguments.delta`) and their `.done` events, and
 * `response.output_item.done`; at the end `response.completed` (or `response.incomplete` after a cut-off) with the
 * whole output and usage. A broken stream ends with an `error` event and `response.failed`. One item is open at a
 * time, as OpenAI streams them: the arguments of a tool call must arrive before the next item starts, which is how
 * chat streams them. One instance per stream; not thread-safe.
 */
public final class ChunksToResponseEvents extends ChatChunkEvents {

    private enum Open { NONE, REASONING, MESSAGE, CALL }

    private final ResponseShell shell;
    private final JsonArray output = new JsonArray();
    private int sequence;
    private String finishReason;

    private Open open = Open.NONE;
    private String itemId;
    /** The open message's finished parts; the part being streamed is {@link #partType} with {@link #partText}. */
    private JsonArray parts;
    private String partType;
    private final StringBuilder partText = new StringBuilder();
    /** Signed thinking the open reasoning item carries back to the client (see {@link ResponseShell#withSignedThinking}). */
    private JsonArray signed;
    private int openToolIndex = -1;
    private String callId;
    private String callName;

    public ChunksToResponseEvents(ResponseShell shell) {
        this.shell = shell;
    }

    /** The first finish reason, as chat gave it. */
    public String finishReason() {
        return finishReason;
    }

    /** response.created and response.in_progress. */
    @Override
    protected void opening(Buffer out) {
        emit(out, "response.created", new JsonObject().put("response", shell.response("in_progress")));
        emit(out, "response.in_progress", new JsonObject().put("response", shell.response("in_progress")));
    }

    @Override
    protected String translate(JsonObject chunk, Buffer out) {
        if (!(chunk.getValue("choices") instanceof JsonArray choices) || choices.isEmpty() || !(choices.getValue(0) instanceof JsonObject choice)) {
            return null;
        }
        JsonObject delta = choice.getValue("delta") instanceof JsonObject d ? d : new JsonObject();
        if (delta.getValue("reasoning_content") instanceof String reasoning && !reasoning.isEmpty()) {
            reasoning(reasoning, out);
        }
        if (delta.getValue("thinking_blocks") instanceof JsonArray blocks && !blocks.isEmpty()) {
            if (open != Open.REASONING) {
                // Redacted thinking has no text: its item opens with its signed block.
                close(out);
                open(Open.REASONING, "rs", ResponseShell.reasoning(null, new JsonArray()), out);
            }
            signed = signed == null ? new JsonArray() : signed;
            blocks.forEach(signed::add);
        }
        if (delta.getValue("content") instanceof String text && !text.isEmpty()) {
            messagePart("output_text", text, out);
        }
        if (delta.getValue("refusal") instanceof String refusal && !refusal.isEmpty()) {
            messagePart("refusal", refusal, out);
        }
        String problem = ChatChunks.toolCalls(delta, call -> toolCall(call, out));
        if (problem != null) {
            return problem;
        }
        if (choice.getValue("finish_reason") instanceof String finish) {
            sawFinish();
            if (finishReason == null) {
                finishReason = finish;
            }
            close(out);
        }
        return null;
    }

    private void reasoning(String text, Buffer out) {
        generated(text.length());
        if (open != Open.REASONING) {
            close(out);
            open(Open.REASONING, "rs", ResponseShell.reasoning(null, new JsonArray()), out);
        }
        if (partType == null) {
            openPart("reasoning_text", out);
        }
        partText.append(text);
        emit(out, "response.reasoning_text.delta", itemEvent().put("content_index", 0).put("delta", text));
    }

    private void messagePart(String type, String text, Buffer out) {
        generated(text.length());
        if (open != Open.MESSAGE) {
            close(out);
            parts = new JsonArray();
            open(Open.MESSAGE, "msg", ResponseShell.message(null, "in_progress", new JsonArray()), out);
        }
        if (!type.equals(partType)) {
            closePart(out);
            openPart(type, out);
        }
        partText.append(text);
        JsonObject delta = itemEvent().put("content_index", parts.size()).put("delta", text);
        if (type.equals("output_text")) {
            emit(out, "response.output_text.delta", delta.put("logprobs", new JsonArray()));
        } else {
            emit(out, "response.refusal.delta", delta);
        }
    }

    private String toolCall(JsonObject call, Buffer out) {
        int index = call.getValue("index") instanceof Number n ? n.intValue() : 0;
        JsonObject function = call.getValue("function") instanceof JsonObject f ? f : new JsonObject();
        String arguments = function.getValue("arguments") instanceof String a ? a : "";
        if (open != Open.CALL || openToolIndex != index) {
            if (call.getValue("id") == null && function.getValue("name") == null) {
                return "The upstream interleaved the arguments of parallel tool calls, which the Responses stream cannot carry.";
            }
            close(out);
            openToolIndex = index;
            callId = call.getString("id");
            callName = function.getString("name");
            generated(callName == null ? 0 : callName.length());
            open(Open.CALL, "fc", ResponseShell.functionCall(null, "in_progress", callId, callName, ""), out);
        }
        if (!arguments.isEmpty()) {
            generated(arguments.length());
            partText.append(arguments);
            emit(out, "response.function_call_arguments.delta", itemEvent().put("delta", arguments));
        }
        return null;
    }

    /** response.completed (or response.incomplete), on the upstream's [DONE]. */
    @Override
    protected void closing(Buffer out) {
        close(out);
        JsonObject response = shell.finished(finishReason, output.copy(), chatUsage());
        emit(out, "completed".equals(response.getString("status")) ? "response.completed" : "response.incomplete",
                new JsonObject().put("response", response));
    }

    /** An `error` event and `response.failed` with the output so far; the stream ends with them. */
    @Override
    protected void failing(Buffer out, String code, String message) {
        start(out);
        emit(out, "error", new JsonObject().put("code", code).put("message", message).putNull("param"));
        JsonObject response = shell.response("failed").put("output", output.copy())
                .put("error", new JsonObject().put("code", "server_error").put("message", message));
        emit(out, "response.failed", new JsonObject().put("response", response));
    }

    /** The provider's error event with its own code and message, where it gave them. */
    @Override
    public void upstreamError(Buffer out, JsonObject error) {
        error(out, error.getValue("code") instanceof String code ? code : "upstream_stream_error",
                error.getValue("message") instanceof String message ? message : "The upstream stream failed.");
    }

    private void open(Open kind, String prefix, JsonObject item, Buffer out) {
        open = kind;
        partText.setLength(0);
        itemId = shell.itemId(prefix, output.size());
        item.put("id", itemId);
        emit(out, "response.output_item.added", new JsonObject().put("output_index", output.size()).put("item", item));
    }

    private void openPart(String type, Buffer out) {
        partType = type;
        partText.setLength(0);
        int index = parts == null ? 0 : parts.size();
        emit(out, "response.content_part.added", itemEvent().put("content_index", index).put("part", part(type, "")));
    }

    /** Ends the open part of a message or reasoning item: its `.done` event and `response.content_part.done`. */
    private void closePart(Buffer out) {
        if (partType == null) {
            return;
        }
        String text = partText.toString();
        JsonObject part = part(partType, text);
        int index = parts == null ? 0 : parts.size();
        JsonObject done = itemEvent().put("content_index", index);
        switch (partType) {
            case "output_text" -> emit(out, "response.output_text.done", done.put("text", text).put("logprobs", new JsonArray()));
            case "refusal" -> emit(out, "response.refusal.done", done.put("refusal", text));
            default -> emit(out, "response.reasoning_text.done", done.put("text", text));
        }
        emit(out, "response.content_part.done", itemEvent().put("content_index", index).put("part", part));
        if (parts != null) {
            parts.add(part);
        }
        partType = null;
    }

    private static JsonObject part(String type, String text) {
        return switch (type) {
            case "output_text" -> ResponseShell.outputText(text);
            case "refusal" -> ResponseShell.refusal(text);
            default -> ResponseShell.reasoningText(text);
        };
    }

    /** Ends the open item: its parts or arguments, then `response.output_item.done` with the whole item. */
    private void close(Buffer out) {
        JsonObject item;
        switch (open) {
            case NONE -> {
                return;
            }
            case REASONING -> {
                String text = partText.toString();
                boolean hasText = partType != null;
                closePart(out);
                item = ResponseShell.withSignedThinking(ResponseShell.reasoning(itemId,
                        hasText ? new JsonArray().add(ResponseShell.reasoningText(text)) : new JsonArray()), signed);
                signed = null;
            }
            case MESSAGE -> {
                closePart(out);
                item = ResponseShell.message(itemId, "completed", parts);
                parts = null;
            }
            default -> {
                String arguments = partText.toString();
                emit(out, "response.function_call_arguments.done", itemEvent().put("name", callName).put("arguments", arguments));
                item = ResponseShell.functionCall(itemId, "completed", callId, callName, arguments);
                partText.setLength(0);
                openToolIndex = -1;
            }
        }
        emit(out, "response.output_item.done", new JsonObject().put("output_index", output.size()).put("item", item));
        output.add(item);
        open = Open.NONE;
    }

    /** The fields every event about the open item carries. */
    private JsonObject itemEvent() {
        return new JsonObject().put("item_id", itemId).put("output_index", output.size());
    }

    private void emit(Buffer out, String type, JsonObject event) {
        JsonObject data = new JsonObject().put("type", type).put("sequence_number", sequence++);
        data.mergeIn(event);
        out.appendString("event: ").appendString(type).appendString("\ndata: ").appendBuffer(data.toBuffer()).appendString("\n\n");
    }
}
