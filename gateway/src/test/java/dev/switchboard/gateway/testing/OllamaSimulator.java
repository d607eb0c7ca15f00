package dev.switchboard.gateway.testing;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * A real HTTP server on 127.0.0.1 speaking Ollama's native API: {@code /api/chat} and {@code /api/generate}
 * (NDJSON streams by default, one JSON object with {@code "stream": false}) and {@code /api/embed}. It validates
 * requests like Ollama's Go decoder does (model required, message and tool-call shapes, tool-call arguments as
 * objects, images as plain base64, option types) and, stricter than Ollama, rejects unknown fields and options,
 * which Ollama would silently ignore: a translation that loses something shows up as a 400.
 * <p>
 * Answers are {@link EchoAnswer}s; with tools and a user turn last it calls the first tool (the first two when
 * the prompt says "parallel") with every declared parameter set to the prompt; after a tool result it answers
 * {@code tool <tool_name> said: <content>}; with {@code format} it answers JSON. Behaviour by model name:
 * {@code missing-model} (404, not pulled), {@code busy} (503, queue full), {@code fail-500}, {@code break-stream}
 * (two lines, then the connection drops), {@code stream-error} (an error line mid-stream), {@code endless-stream}
 * (a line every 50 ms until the client goes away), {@code malformed} (a 200 answer, or stream line, whose
 * {@code message} is a string instead of an object), {@code stall} (never answers).
 */
public final class OllamaSimulator extends SimulatorServer<OllamaSimulator.Received> {

    /** What the simulator received. */
    public record Received(String path, String authorization, JsonObject body) {
    }

    private static final String CREATED_AT = "2024-07-22T20:33:28.123648Z";
    private static final Set<String> CHAT_FIELDS = Set.of("model", "messages", "tools", "format", "options", "stream",
            "keep_alive", "think");
    private static final Set<String> GENERATE_FIELDS = Set.of("model", "prompt", "suffix", "system", "template", "context",
            "stream", "raw", "format", "images", "options", "keep_alive", "think");
    private static final Set<String> EMBED_FIELDS = Set.of("model", "input", "truncate", "options", "keep_alive", "dimensions");
    private static final Set<String> MESSAGE_FIELDS = Set.of("role", "content", "images", "tool_calls", "tool_name", "thinking");
    private static final Set<String> INTEGER_OPTIONS = Set.of("num_keep", "seed", "num_predict", "top_k", "repeat_last_n",
            "mirostat", "num_ctx", "num_batch", "num_gpu", "main_gpu", "num_thread");
    private static final Set<String> FLOAT_OPTIONS = Set.of("top_p", "min_p", "typical_p", "temperature", "repeat_penalty",
            "presence_penalty", "frequency_penalty", "mirostat_tau", "mirostat_eta");
    private static final Set<String> BOOLEAN_OPTIONS = Set.of("penalize_newline", "numa", "low_vram", "vocab_only", "use_mmap",
            "use_mlock");

    private OllamaSimulator() {
    }

    public static OllamaSimulator start(int port) throws Exception {
        OllamaSimulator simulator = new OllamaSimulator();
        simulator.listen(port, router -> {
            router.post("/api/chat").handler(ctx -> simulator.handle(ctx, true));
            router.post("/api/generate").handler(ctx -> simulator.handle(ctx, false));
            router.post("/api/embed").handler(simulator::embed);
        });
        return simulator;
    }

    /** Thrown by validation: Ollama answers 400 with {"error": message}. */
    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    private JsonObject body(RoutingContext ctx) {
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            throw new BadRequest("invalid character in request body");
        }
        if (body == null) {
            throw new BadRequest("missing request body");
        }
        remember(new Received(ctx.request().path(), ctx.request().getHeader("authorization"), body));
        return body;
    }

    private static void error(HttpServerResponse response, int status, String message) {
        response.setStatusCode(status).putHeader("content-type", "application/json; charset=utf-8")
                .end(new JsonObject().put("error", message).encode());
    }

    private void handle(RoutingContext ctx, boolean chat) {
        HttpServerResponse response = ctx.response();
        try {
            JsonObject body = body(ctx);
            fields(body, chat ? CHAT_FIELDS : GENERATE_FIELDS, "");
            String model = model(body);
            if (failed(response, model)) {
                return;
            }
            Object format = body.getValue("format");
            if (format != null && !"json".equals(format) && !"".equals(format) && !(format instanceof JsonObject)) {
                throw new BadRequest("invalid format: expected \"json\" or a JSON schema");
            }
            JsonObject options = options(body.getValue("options"));
            boolean stream = !Boolean.FALSE.equals(body.getValue("stream"));
            Reply reply = chat ? chatReply(body, options) : generateReply(body, options);
            switch (model) {
                case "break-stream" -> breakStream(ctx, chat);
                case "stream-error" -> streamError(response, chat);
                case "malformed" -> malformed(response, stream);
                case "endless-stream" -> endless(ctx, model, chat);
                case "stall" -> {
                    // Holds the request until the caller gives up and closes the connection.
                }
                default -> {
                    String thinking = chat ? thinking(body.getValue("think")) : null;
                    if (stream) {
                        if (thinking != null) {
                            // A thinking model streams its thinking first, in lines with empty content.
                            response.setChunked(true).putHeader("content-type", "application/x-ndjson");
                            for (String word : thinking.split("(?<= )")) {
                                JsonObject line = line(model, true, "");
                                line.getJsonObject("message").put("thinking", word);
                                response.write(line.encode() + "\n");
                            }
                        }
                        stream(response, model, reply, chat);
                    } else {
                        JsonObject last = last(model, reply, chat, true);
                        if (thinking != null) {
                            last.getJsonObject("message").put("thinking", thinking);
                        }
                        response.putHeader("content-type", "application/json; charset=utf-8").end(last.encode());
                    }
                }
            }
        } catch (BadRequest e) {
            error(response, 400, e.getMessage());
        }
    }

    private static String model(JsonObject body) {
        if (!(body.getValue("model") instanceof String model) || model.isEmpty()) {
            throw new BadRequest("model is required");
        }
        return model;
    }

    private static boolean failed(HttpServerResponse response, String model) {
        switch (model) {
            case "missing-model" -> error(response, 404, "model \"" + model + "\" not found, try pulling it first");
            case "busy" -> error(response, 503, "server busy, please try again.  maximum pending requests exceeded");
            case "fail-500" -> error(response, 500, "llama runner process has terminated: exit status 2");
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void fields(JsonObject object, Set<String> known, String at) {
        for (String field : object.fieldNames()) {
            if (!known.contains(field)) {
                throw new BadRequest("unknown field \"" + at + field + "\" (Ollama would ignore it)");
            }
        }
    }

    private static JsonObject options(Object value) {
        if (value == null) {
            return new JsonObject();
        }
        if (!(value instanceof JsonObject options)) {
            throw new BadRequest("json: cannot unmarshal options into Go struct field of type map[string]interface {}");
        }
        for (Map.Entry<String, Object> option : options) {
            String key = option.getKey();
            Object v = option.getValue();
            boolean known = INTEGER_OPTIONS.contains(key) || FLOAT_OPTIONS.contains(key) || BOOLEAN_OPTIONS.contains(key)
                    || "stop".equals(key);
            if (!known) {
                throw new BadRequest("invalid option provided: " + key + " (Ollama would ignore it)");
            }
            boolean fits = BOOLEAN_OPTIONS.contains(key) ? v instanceof Boolean
                    : "stop".equals(key) ? v instanceof JsonArray stops && stops.stream().allMatch(String.class::isInstance)
                    : v instanceof Number;
            if (!fits) {
                throw new BadRequest("option \"" + key + "\" must be of the right type");
            }
        }
        return options;
    }

    /** The thinking a request's `think` asks for (true or a level, as gpt-oss takes), null for none; other values are refused. */
    private static String thinking(Object think) {
        if (think == null || Boolean.FALSE.equals(think)) {
            return null;
        }
        if (!Boolean.TRUE.equals(think) && !List.of("low", "medium", "high").contains(think)) {
            throw new BadRequest("invalid think value: \"" + think + "\" (must be \"high\", \"medium\", \"low\", true, or false)");
        }
        return "Thinking " + (Boolean.TRUE.equals(think) ? "" : think + " ") + "about it.";
    }

    /** What to answer: text, or tool calls. */
    private record Reply(EchoAnswer answer, JsonArray toolCalls, int promptTokens) {
    }

    private static Reply chatReply(JsonObject body, JsonObject options) {
        Object value = body.getValue("messages");
        if (!(value instanceof JsonArray messages)) {
            throw new BadRequest("json: cannot unmarshal messages into Go struct field ChatRequest.messages of type []api.Message");
        }
        JsonArray tools = tools(body.getValue("tools"));
        List<String> texts = new ArrayList<>();
        String system = null;
        String lastUser = "";
        int userTurns = 0;
        int images = 0;
        JsonObject last = null;
        for (Object item : messages) {
            if (!(item instanceof JsonObject message)) {
                throw new BadRequest("json: cannot unmarshal into Go struct field ChatRequest.messages of type api.Message");
            }
            fields(message, MESSAGE_FIELDS, "messages.");
            String role = String.valueOf(message.getValue("role"));
            if (!Set.of("system", "user", "assistant", "tool").contains(role)) {
                throw new BadRequest("invalid role: " + role);
            }
            Object content = message.getValue("content");
            if (content != null && !(content instanceof String)) {
                throw new BadRequest("json: cannot unmarshal array into Go struct field Message.messages.content of type string");
            }
            String text = content == null ? "" : (String) content;
            texts.add(text);
            images += images(message.getValue("images"));
            toolCalls(message.getValue("tool_calls"));
            if (message.getValue("tool_name") != null && !(message.getValue("tool_name") instanceof String)) {
                throw new BadRequest("json: cannot unmarshal into Go struct field Message.messages.tool_name of type string");
            }
            if ("system".equals(role)) {
                system = system == null ? text : system + " " + text;
            } else if ("user".equals(role)) {
                userTurns++;
                lastUser = text;
            }
            last = message;
        }
        if (messages.isEmpty()) {
            throw new BadRequest("messages must not be empty for a reply");
        }
        List<String> stops = stops(options);
        Integer max = options.getValue("num_predict") instanceof Number n ? n.intValue() : null;
        int prompt = EchoAnswer.words(texts);
        if ("tool".equals(last.getValue("role"))) {
            return new Reply(EchoAnswer.limit("tool " + last.getValue("tool_name") + " said: " + last.getValue("content"), stops, max),
                    null, prompt);
        }
        if (tools != null && "user".equals(last.getValue("role"))) {
            return new Reply(null, calls(tools, lastUser), prompt);
        }
        Object format = body.getValue("format");
        if (format != null && !"".equals(format)) {
            return new Reply(EchoAnswer.limit(json(format, lastUser), stops, max), null, prompt);
        }
        return new Reply(EchoAnswer.of(lastUser, system, userTurns, images, stops, max), null, prompt);
    }

    private static Reply generateReply(JsonObject body, JsonObject options) {
        if (body.getValue("prompt") != null && !(body.getValue("prompt") instanceof String)) {
            throw new BadRequest("json: cannot unmarshal into Go struct field GenerateRequest.prompt of type string");
        }
        String prompt = body.getString("prompt", "");
        int images = images(body.getValue("images"));
        String text = body.getValue("suffix") instanceof String suffix ? prompt + " [suffix: " + suffix + "]" : prompt;
        Integer max = options.getValue("num_predict") instanceof Number n ? n.intValue() : null;
        return new Reply(EchoAnswer.of(text, body.getString("system"), 1, images, stops(options), max), null,
                EchoAnswer.words(List.of(prompt)));
    }

    private static List<String> stops(JsonObject options) {
        List<String> stops = new ArrayList<>();
        JsonArray array = options.getJsonArray("stop");
        if (array != null) {
            array.forEach(s -> stops.add((String) s));
        }
        return stops;
    }

    /** Go decodes images as []byte from standard base64: data URIs and URLs fail there. */
    private static int images(Object value) {
        if (value == null) {
            return 0;
        }
        if (!(value instanceof JsonArray images)) {
            throw new BadRequest("json: cannot unmarshal into Go struct field Message.images of type []api.ImageData");
        }
        for (Object image : images) {
            if (!(image instanceof String data)) {
                throw new BadRequest("json: cannot unmarshal into Go struct field of type api.ImageData");
            }
            try {
                Base64.getDecoder().decode(data);
            } catch (IllegalArgumentException e) {
                throw new BadRequest("illegal base64 data at input byte " + Math.max(0, data.indexOf(':')));
            }
        }
        return images.size();
    }

    private static void toolCalls(Object value) {
        if (value == null) {
            return;
        }
        if (!(value instanceof JsonArray calls)) {
            throw new BadRequest("json: cannot unmarshal into Go struct field Message.messages.tool_calls of type []api.ToolCall");
        }
        for (Object item : calls) {
            if (!(item instanceof JsonObject call) || !(call.getValue("function") instanceof JsonObject function)
                    || !(function.getValue("name") instanceof String)) {
                throw new BadRequest("json: cannot unmarshal into Go struct field Message.messages.tool_calls of type api.ToolCall");
            }
            if (!(function.getValue("arguments") instanceof JsonObject)) {
                throw new BadRequest("json: cannot unmarshal string into Go struct field ToolCallFunction.messages.tool_calls.function.arguments"
                        + " of type api.ToolCallFunctionArguments");
            }
        }
    }

    private static JsonArray tools(Object value) {
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonArray tools)) {
            throw new BadRequest("json: cannot unmarshal into Go struct field ChatRequest.tools of type api.Tools");
        }
        for (Object item : tools) {
            if (!(item instanceof JsonObject tool) || !"function".equals(tool.getValue("type"))
                    || !(tool.getValue("function") instanceof JsonObject function) || !(function.getValue("name") instanceof String)) {
                throw new BadRequest("invalid tool definition");
            }
            fields(function, Set.of("name", "description", "parameters"), "tools.function.");
        }
        return tools.isEmpty() ? null : tools;
    }

    private static JsonArray calls(JsonArray tools, String prompt) {
        int count = prompt.contains("parallel") ? Math.min(2, tools.size()) : 1;
        JsonArray calls = new JsonArray();
        for (int i = 0; i < count; i++) {
            JsonObject function = tools.getJsonObject(i).getJsonObject("function");
            JsonObject arguments = new JsonObject();
            JsonObject properties = function.getJsonObject("parameters", new JsonObject()).getJsonObject("properties", new JsonObject());
            properties.fieldNames().stream().sorted().forEach(name -> arguments.put(name, prompt));
            calls.add(new JsonObject().put("function", new JsonObject().put("index", i).put("name", function.getString("name"))
                    .put("arguments", arguments)));
        }
        return calls;
    }

    /** JSON mode: {"echo": prompt}; a schema: each property filled by its type. */
    private static String json(Object format, String prompt) {
        if (!(format instanceof JsonObject schema)) {
            return new JsonObject().put("echo", prompt).encode();
        }
        JsonObject out = new JsonObject();
        schema.getJsonObject("properties", new JsonObject()).forEach(property -> {
            String type = property.getValue() instanceof JsonObject p ? p.getString("type", "string") : "string";
            out.put(property.getKey(), switch (type) {
                case "integer", "number" -> 42;
                case "boolean" -> true;
                default -> prompt;
            });
        });
        return out.encode();
    }

    private static JsonObject line(String model, boolean chat, String content) {
        JsonObject line = new JsonObject().put("model", model).put("created_at", CREATED_AT);
        if (chat) {
            line.put("message", new JsonObject().put("role", "assistant").put("content", content));
        } else {
            line.put("response", content);
        }
        return line.put("done", false);
    }

    /** The final object: the whole answer when not streamed, empty content when streamed; with counts. */
    private static JsonObject last(String model, Reply reply, boolean chat, boolean whole) {
        String content = whole && reply.answer() != null ? reply.answer().text() : "";
        JsonObject last = line(model, chat, content);
        if (whole && reply.toolCalls() != null) {
            last.getJsonObject("message").put("tool_calls", reply.toolCalls());
        }
        int evalCount = reply.answer() == null ? 12 : reply.answer().tokens().size();
        return last.put("done", true).put("done_reason", reply.answer() == null ? "stop" : reply.answer().finishReason())
                .put("total_duration", 885_095_291L).put("load_duration", 3_753_500L)
                .put("prompt_eval_count", reply.promptTokens()).put("prompt_eval_duration", 328_493_000L)
                .put("eval_count", evalCount).put("eval_duration", 552_222_000L);
    }

    private static void stream(HttpServerResponse response, String model, Reply reply, boolean chat) {
        if (!response.headWritten()) {
            response.setChunked(true).putHeader("content-type", "application/x-ndjson");
        }
        if (reply.answer() != null) {
            for (String token : reply.answer().tokens()) {
                response.write(line(model, chat, token).encode() + "\n");
            }
        } else {
            JsonObject calls = line(model, true, "");
            calls.getJsonObject("message").put("tool_calls", reply.toolCalls());
            response.write(calls.encode() + "\n");
        }
        response.end(last(model, reply, chat, false).encode() + "\n");
    }

    private void breakStream(RoutingContext ctx, boolean chat) {
        HttpServerResponse response = ctx.response().setChunked(true).putHeader("content-type", "application/x-ndjson");
        response.write(line("break-stream", chat, "partial").encode() + "\n");
        response.write(line("break-stream", chat, " answer").encode() + "\n");
        vertx.setTimer(50, id -> ctx.request().connection().close());
    }

    private static void malformed(HttpServerResponse response, boolean stream) {
        String answer = new JsonObject().put("model", "malformed").put("created_at", "2025-01-01T00:00:00Z")
                .put("message", "assistant: not an object").put("done", true).put("done_reason", "stop").encode();
        if (stream) {
            response.setChunked(true).putHeader("content-type", "application/x-ndjson").end(answer + "\n");
        } else {
            response.putHeader("content-type", "application/json; charset=utf-8").end(answer);
        }
    }

    private static void streamError(HttpServerResponse response, boolean chat) {
        response.setChunked(true).putHeader("content-type", "application/x-ndjson");
        response.write(line("stream-error", chat, "partial").encode() + "\n");
        response.end(new JsonObject().put("error", "an error was encountered while running the model: unexpected EOF").encode() + "\n");
    }

    private void endless(RoutingContext ctx, String model, boolean chat) {
        HttpServerResponse response = ctx.response().setChunked(true).putHeader("content-type", "application/x-ndjson");
        long[] timer = new long[1];
        response.closeHandler(v -> {
            vertx.cancelTimer(timer[0]);
            streamCancelled();
        });
        timer[0] = vertx.setPeriodic(50, id -> {
            if (!response.closed()) {
                response.write(line(model, chat, " tick").encode() + "\n");
            }
        });
    }

    private void embed(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        try {
            JsonObject body = body(ctx);
            fields(body, EMBED_FIELDS, "");
            String model = model(body);
            if (failed(response, model)) {
                return;
            }
            Object input = body.getValue("input");
            List<String> inputs = new ArrayList<>();
            if (input instanceof String s) {
                inputs.add(s);
            } else if (input instanceof JsonArray array && array.stream().allMatch(String.class::isInstance)) {
                array.forEach(s -> inputs.add((String) s));
            } else {
                throw new BadRequest("invalid input type");
            }
            int dimensions = body.getValue("dimensions") instanceof Number n ? n.intValue() : 4;
            JsonArray embeddings = new JsonArray();
            for (int i = 0; i < inputs.size(); i++) {
                JsonArray vector = new JsonArray();
                for (int d = 0; d < dimensions; d++) {
                    vector.add((i + 1) * 0.125 + d * 0.0625);
                }
                embeddings.add(vector);
            }
            response.putHeader("content-type", "application/json; charset=utf-8").end(new JsonObject()
                    .put("model", model).put("embeddings", embeddings).put("total_duration", 14_143_917L)
                    .put("load_duration", 1_019_500L).put("prompt_eval_count", EchoAnswer.words(inputs)).encode());
        } catch (BadRequest e) {
            error(response, 400, e.getMessage());
        }
    }

    /** Runs the simulator in its own process: {@code OllamaSimulator [port]}. */
    public static void main(String[] args) throws Exception {
        OllamaSimulator simulator = start(args.length > 0 ? Integer.parseInt(args[0]) : 0);
        serveUntilKilled(simulator, "Ollama simulator listening on " + simulator.baseUrl());
    }
}
