package dev.switchboard.gateway.testing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * A real HTTP server on 127.0.0.1 speaking Anthropic's Messages API (`POST /v1/messages`, JSON and SSE), for tests
 * and benchmarks. It validates requests like the real API ({@link AnthropicRequestRules}, plus the `x-api-key` and
 * `anthropic-version` headers) and answers deterministically:
 * <ul>
 * <li>a user turn with tool results: "tool results: " and their text;</li>
 * <li>tools offered (and tool_choice not none): a tool_use for the chosen (or first) tool, two parallel ones when
 * the user text says "parallel" and parallel use is allowed; string inputs are the user's last word; with
 * tool_choice auto a short text block comes first, as Claude does;</li>
 * <li>otherwise "echo: " and the last user text, plus "[image ...]" per image;</li>
 * <li>max_tokens cuts the answer at that many words (stop_reason max_tokens), a stop sequence cuts it where it
 * occurs (stop_reason stop_sequence).</li>
 * </ul>
 * The upstream model name injects errors: {@code rate-limited} (429 with retry-after 7 and anthropic-ratelimit
 * headers), {@code overloaded} (529), {@code unauthorized} (401), {@code forbidden} (403), {@code missing} (404),
 * {@code too-large} (413), {@code fail-500} (500), {@code stream-error} (an `error` event mid-stream; 529 when not
 * streaming), {@code overloaded-stream} (a 200 stream whose first event is an `overloaded_error`, as Anthropic sends
 * it when the overload comes after the response started; 529 when not streaming), {@code overloaded-after-start}
 * (the same error after `message_start` and a `ping`), {@code malformed-content} (a 200 message whose `content` is a
 * string, or a stream whose `message_start` carries a string as its message), {@code break-stream} (drops the
 * connection mid-stream), {@code endless-stream} (a text delta every 50 ms
 * until the client goes away, counted in {@link #cancelledStreams()}), {@code slow-<ms>} (waits that long before
 * answering), {@code cached-*} (reports cache reads), and, for fault schedules: {@code rate-limited-bare} (429 without
 * retry-after), {@code rate-limited-after-<s>} (429 with {@code retry-after: <s>}), {@code fail-503} (503),
 * {@code reset} (closes the connection without answering), {@code stall} (never answers), {@code stall-stream} (a
 * stream that stalls after its first text delta), {@code truncated-stream} (a stream that ends after its first text
 * delta, without {@code message_stop}), {@code drip-<ms>} (a whole stream whose text deltas are spread over that long).
 * A {@link SimulatorServer.Schedule} the simulator follows picks the behaviour instead of the model name.
 * Streams follow the documented event sequence, tool inputs arrive as input_json_delta fragments.
 */
public final class AnthropicSimulator extends SimulatorServer<AnthropicSimulator.Received> {

    /** What the simulator received. */
    public record Received(String path, String apiKey, String version, String beta, JsonObject body) {
    }

    private final AtomicInteger ids = new AtomicInteger();

    private AnthropicSimulator() {
    }

    public static AnthropicSimulator start(int port) throws Exception {
        AnthropicSimulator simulator = new AnthropicSimulator();
        simulator.listen(port, router -> {
            router.post("/v1/messages").handler(simulator::messages);
            router.post("/v1/messages/count_tokens").handler(simulator::countTokens);
        });
        return simulator;
    }

    private void messages(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        response.putHeader("request-id", "req_sim_" + ids.incrementAndGet());
        String apiKey = ctx.request().getHeader("x-api-key");
        String version = ctx.request().getHeader("anthropic-version");
        if (apiKey == null || apiKey.isBlank()) {
            error(response, 401, "authentication_error", "x-api-key header is required");
            return;
        }
        if (version == null) {
            error(response, 400, "invalid_request_error", "anthropic-version: header is required");
            return;
        }
        String contentType = ctx.request().getHeader("content-type");
        if (contentType == null || !contentType.startsWith("application/json")) {
            error(response, 400, "invalid_request_error", "Content-Type must be application/json");
            return;
        }
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            error(response, 400, "invalid_request_error", "There was an error parsing the body of your request.");
            return;
        }
        if (body == null) {
            error(response, 400, "invalid_request_error", "There was an error parsing the body of your request.");
            return;
        }
        remember(new Received(ctx.request().path(), apiKey, version, ctx.request().getHeader("anthropic-beta"), body));
        try {
            AnthropicRequestRules.validate(body);
        } catch (AnthropicRequestRules.Invalid e) {
            error(response, 400, "invalid_request_error", e.getMessage());
            return;
        }
        String model = scheduled(ctx, body.getString("model"));
        body.put("model", model);
        if (model.startsWith("slow-")) {
            vertx.setTimer(Long.parseLong(model.substring(5)), id -> reply(ctx, body, model));
            return;
        }
        if (model.startsWith("drip-")) {
            drip(ctx, body, Long.parseLong(model.substring(5)));
            return;
        }
        if (model.startsWith("rate-limited-after-")) {
            response.putHeader("retry-after", model.substring(model.lastIndexOf('-') + 1));
            error(response, 429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit.");
            return;
        }
        reply(ctx, body, model);
    }

    /**
     * Token counting: the same headers and request rules as messages, minus what only generation takes
     * (max_tokens, stream, sampling); the count is the words of the request's texts, as the answers' usage counts
     * them. The model name injects errors as for messages ({@code rate-limited}, {@code overloaded}, ...).
     */
    private void countTokens(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        response.putHeader("request-id", "req_sim_" + ids.incrementAndGet());
        if (ctx.request().getHeader("x-api-key") == null || ctx.request().getHeader("anthropic-version") == null) {
            error(response, 401, "authentication_error", "x-api-key and anthropic-version headers are required");
            return;
        }
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            body = null;
        }
        if (body == null) {
            error(response, 400, "invalid_request_error", "There was an error parsing the body of your request.");
            return;
        }
        remember(new Received(ctx.request().path(), ctx.request().getHeader("x-api-key"), ctx.request().getHeader("anthropic-version"),
                ctx.request().getHeader("anthropic-beta"), body));
        try {
            AnthropicRequestRules.validateCount(body);
        } catch (AnthropicRequestRules.Invalid e) {
            error(response, 400, "invalid_request_error", e.getMessage());
            return;
        }
        switch (scheduled(ctx, body.getString("model"))) {
            case "rate-limited" -> error(response.putHeader("retry-after", "7"), 429, "rate_limit_error", "Number of requests has exceeded your rate limit.");
            case "overloaded" -> error(response, 529, "overloaded_error", "Overloaded");
            case "unauthorized" -> error(response, 401, "authentication_error", "invalid x-api-key");
            default -> response.putHeader("content-type", "application/json")
                    .end(new JsonObject().put("input_tokens", inputTokens(body)).encode());
        }
    }

    private void reply(RoutingContext ctx, JsonObject body, String model) {
        HttpServerResponse response = ctx.response();
        boolean stream = Boolean.TRUE.equals(body.getValue("stream"));
        switch (model) {
            case "rate-limited" -> {
                response.putHeader("retry-after", "7")
                        .putHeader("anthropic-ratelimit-requests-limit", "50")
                        .putHeader("anthropic-ratelimit-requests-remaining", "0")
                        .putHeader("anthropic-ratelimit-requests-reset", Instant.ofEpochSecond(1_900_000_000L).toString());
                error(response, 429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit.");
            }
            case "overloaded" -> error(response, 529, "overloaded_error", "Overloaded");
            case "unauthorized" -> error(response, 401, "authentication_error", "invalid x-api-key");
            case "forbidden" -> error(response, 403, "permission_error", "Your API key does not have permission to use the specified resource.");
            case "missing" -> error(response, 404, "not_found_error", "model: " + model);
            case "too-large" -> error(response, 413, "request_too_large", "Request exceeds the maximum allowed number of bytes.");
            case "fail-500" -> error(response, 500, "api_error", "Internal server error");
            case "fail-503" -> error(response, 503, "api_error", "Service unavailable");
            case "rate-limited-bare" -> error(response, 429, "rate_limit_error", "Number of requests has exceeded your rate limit.");
            case "reset" -> ctx.request().connection().close();
            case "stall" -> {
                // Holds the request until the caller gives up and closes the connection.
            }
            case "stall-stream", "truncated-stream" -> {
                if (!stream) {
                    // Not streamed: the head and half a message, then nothing (stalled) or the end (truncated).
                    response.setChunked(true).putHeader("content-type", "application/json").write("{\"id\":\"msg_sim\",\"type\":");
                    if (model.startsWith("truncated")) {
                        response.end();
                    }
                    return;
                }
                response.setChunked(true).putHeader("content-type", "text/event-stream");
                StringBuilder out = new StringBuilder();
                JsonObject start = message(body, new Answer(new JsonArray(), null, null, 1)).put("stop_reason", null);
                event(out, "message_start", new JsonObject().put("type", "message_start").put("message", start));
                event(out, "content_block_start", blockStart(0, new JsonObject().put("type", "text").put("text", "")));
                event(out, "content_block_delta", blockDelta(0, new JsonObject().put("type", "text_delta").put("text", "partial")));
                if (model.startsWith("truncated")) {
                    response.end(out.toString());
                } else {
                    response.write(out.toString());
                }
            }
            case "stream-error" -> {
                if (stream) {
                    stream(ctx, body, true, false);
                } else {
                    error(response, 529, "overloaded_error", "Overloaded");
                }
            }
            case "overloaded-stream", "overloaded-after-start" -> {
                if (stream) {
                    overloadedStream(ctx, body, model.equals("overloaded-after-start"));
                } else {
                    error(response, 529, "overloaded_error", "Overloaded");
                }
            }
            case "malformed-content" -> {
                if (stream) {
                    StringBuilder out = new StringBuilder();
                    event(out, "message_start", new JsonObject().put("type", "message_start").put("message", "not an object"));
                    response.setChunked(true).putHeader("content-type", "text/event-stream").end(out.toString());
                } else {
                    response.putHeader("content-type", "application/json")
                            .end(message(body, answer(body)).put("content", "not a list of blocks").encode());
                }
            }
            case "break-stream" -> stream(ctx, body, false, true);
            case "endless-stream" -> endless(ctx, body);
            default -> {
                if (stream) {
                    stream(ctx, body, false, false);
                } else {
                    response.putHeader("content-type", "application/json").end(message(body, answer(body)).encode());
                }
            }
        }
    }

    private static void error(HttpServerResponse response, int status, String type, String message) {
        response.setStatusCode(status).putHeader("content-type", "application/json").end(new JsonObject()
                .put("type", "error")
                .put("error", new JsonObject().put("type", type).put("message", message))
                .put("request_id", response.headers().get("request-id")).encode());
    }

    /** The answer's content blocks, stop reason and stop sequence. */
    private record Answer(JsonArray content, String stopReason, String stopSequence, int outputTokens) {
    }

    /**
     * The answer, after the thinking Claude does first when the request enables it: a thinking block signed by
     * {@link #signature} (and a redacted_thinking block before it when the user text says "redacted"); the
     * thinking's words count as output tokens, as Anthropic bills them.
     */
    private static Answer answer(JsonObject body) {
        Answer answer = visibleAnswer(body);
        if (!(body.getValue("thinking") instanceof JsonObject thinking) || !"enabled".equals(thinking.getString("type"))) {
            return answer;
        }
        JsonArray messages = body.getJsonArray("messages");
        String userText = texts(messages.getJsonObject(messages.size() - 1).getValue("content"), new ArrayList<>(), new ArrayList<>());
        String thought = "Thinking about " + (userText.isBlank() ? "the tool results" : userText) + " within " + thinking.getInteger("budget_tokens");
        JsonArray content = new JsonArray();
        if (userText.contains("redacted")) {
            content.add(new JsonObject().put("type", "redacted_thinking").put("data", "RW5jcnlwdGVkIHRoaW5raW5n"));
        }
        content.add(new JsonObject().put("type", "thinking").put("thinking", thought).put("signature", signature(thought)));
        answer.content().forEach(content::add);
        return new Answer(content, answer.stopReason(), answer.stopSequence(), answer.outputTokens() + thought.split(" ").length);
    }

    /** The simulator's signature of a thinking text; {@link AnthropicRequestRules} checks it when the block comes back. */
    static String signature(String thinking) {
        return "sig" + Integer.toHexString(thinking.hashCode()) + "==";
    }

    private static Answer visibleAnswer(JsonObject body) {
        JsonArray messages = body.getJsonArray("messages");
        JsonObject lastUser = messages.getJsonObject(messages.size() - 1);
        List<String> toolResults = new ArrayList<>();
        List<String> images = new ArrayList<>();
        String userText = texts(lastUser.getValue("content"), toolResults, images);
        JsonArray tools = body.getJsonArray("tools", new JsonArray());
        JsonObject choice = body.getJsonObject("tool_choice", new JsonObject().put("type", "auto"));
        if (toolResults.isEmpty() && !tools.isEmpty() && !"none".equals(choice.getString("type"))) {
            return toolUse(tools, choice, userText);
        }
        String text = toolResults.isEmpty() ? "echo: " + userText : "tool results: " + String.join(" | ", toolResults);
        for (String image : images) {
            text += " [image " + image + "]";
        }
        String stopReason = "end_turn";
        String stopSequence = null;
        int cut = text.length();
        for (Object sequence : body.getJsonArray("stop_sequences", new JsonArray())) {
            int at = text.indexOf((String) sequence);
            if (at >= 0 && at < cut) {
                cut = at;
                stopReason = "stop_sequence";
                stopSequence = (String) sequence;
            }
        }
        text = text.substring(0, cut);
        String[] words = text.split(" ", -1);
        int max = body.getInteger("max_tokens");
        if (words.length > max) {
            text = String.join(" ", java.util.Arrays.copyOf(words, max));
            stopReason = "max_tokens";
            stopSequence = null;
        }
        JsonArray content = new JsonArray();
        if (!text.isEmpty()) {
            content.add(new JsonObject().put("type", "text").put("text", text));
        }
        return new Answer(content, stopReason, stopSequence, Math.min(words.length, max));
    }

    private static Answer toolUse(JsonArray tools, JsonObject choice, String userText) {
        List<JsonObject> chosen = new ArrayList<>();
        if ("tool".equals(choice.getString("type"))) {
            for (Object tool : tools) {
                if (((JsonObject) tool).getString("name").equals(choice.getString("name"))) {
                    chosen.add((JsonObject) tool);
                }
            }
        } else {
            chosen.add(tools.getJsonObject(0));
            if (userText.contains("parallel") && tools.size() > 1 && !Boolean.TRUE.equals(choice.getValue("disable_parallel_tool_use"))) {
                chosen.add(tools.getJsonObject(1));
            }
        }
        JsonArray content = new JsonArray();
        if ("auto".equals(choice.getString("type"))) {
            content.add(new JsonObject().put("type", "text").put("text", "Calling " + chosen.get(0).getString("name") + "."));
        }
        String[] words = userText.replaceAll("[^A-Za-z0-9 ]", "").trim().split(" +");
        String lastWord = words[words.length - 1];
        for (int i = 0; i < chosen.size(); i++) {
            JsonObject tool = chosen.get(i);
            content.add(new JsonObject().put("type", "tool_use").put("id", "toolu_sim_" + (i + 1)).put("name", tool.getString("name"))
                    .put("input", input(tool.getJsonObject("input_schema"), lastWord, userText)));
        }
        return new Answer(content, "tool_use", null, 10 * chosen.size());
    }

    /** Input that fits the schema: strings are the user's last word, numbers 3, booleans true. */
    private static JsonObject input(JsonObject schema, String lastWord, String userText) {
        JsonObject properties = schema.getJsonObject("properties", new JsonObject());
        JsonObject input = new JsonObject();
        if (properties.isEmpty()) {
            return input.put("echo", userText);
        }
        for (String name : properties.fieldNames()) {
            String type = properties.getJsonObject(name).getString("type", "string");
            input.put(name, switch (type) {
                case "integer", "number" -> 3;
                case "boolean" -> true;
                case "array" -> new JsonArray();
                case "object" -> new JsonObject();
                default -> lastWord;
            });
        }
        return input;
    }

    /** The text of a user turn; tool result texts and image descriptions are collected on the side. */
    private static String texts(Object content, List<String> toolResults, List<String> images) {
        if (content instanceof String text) {
            return text;
        }
        StringBuilder text = new StringBuilder();
        for (Object item : (JsonArray) content) {
            JsonObject block = (JsonObject) item;
            switch (block.getString("type")) {
                case "text" -> text.append(text.length() == 0 ? "" : " ").append(block.getString("text"));
                case "image" -> {
                    JsonObject source = block.getJsonObject("source");
                    images.add("base64".equals(source.getString("type")) ? source.getString("media_type") : source.getString("url"));
                }
                case "tool_result" -> {
                    Object result = block.getValue("content");
                    String resultText = result instanceof JsonArray parts ? texts(parts, new ArrayList<>(), new ArrayList<>())
                            : result == null ? "" : result.toString();
                    toolResults.add((Boolean.TRUE.equals(block.getValue("is_error")) ? "error " : "") + resultText);
                }
                default -> {
                }
            }
        }
        return text.toString();
    }

    /** Input tokens: the words of every text in the request (system, messages, tool results). */
    private static int inputTokens(JsonObject body) {
        StringBuilder all = new StringBuilder();
        Object system = body.getValue("system");
        if (system instanceof String s) {
            all.append(s).append(' ');
        } else if (system instanceof JsonArray blocks) {
            blocks.forEach(b -> all.append(((JsonObject) b).getString("text")).append(' '));
        }
        for (Object message : body.getJsonArray("messages")) {
            all.append(texts(((JsonObject) message).getValue("content"), new ArrayList<>(), new ArrayList<>())).append(' ');
        }
        String text = all.toString().strip();
        return text.isEmpty() ? 0 : text.split("\\s+").length;
    }

    private static JsonObject usage(JsonObject body, int outputTokens) {
        int input = inputTokens(body);
        int cacheRead = body.getString("model").startsWith("cached") ? input - 1 : 0;
        return new JsonObject().put("input_tokens", input - cacheRead).put("cache_creation_input_tokens", 0)
                .put("cache_read_input_tokens", cacheRead).put("output_tokens", outputTokens).put("service_tier", "standard");
    }

    private JsonObject message(JsonObject body, Answer answer) {
        return new JsonObject().put("id", "msg_sim_" + ids.incrementAndGet()).put("type", "message").put("role", "assistant")
                .put("model", body.getString("model")).put("content", answer.content())
                .put("stop_reason", answer.stopReason()).put("stop_sequence", answer.stopSequence())
                .put("usage", usage(body, answer.outputTokens()));
    }

    private void stream(RoutingContext ctx, JsonObject body, boolean failMidway, boolean breakMidway) {
        HttpServerResponse response = ctx.response();
        response.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
        Answer answer = answer(body);
        JsonObject start = message(body, answer).put("content", new JsonArray()).put("stop_reason", null).put("stop_sequence", null);
        start.getJsonObject("usage").put("output_tokens", 1);
        StringBuilder out = new StringBuilder();
        event(out, "message_start", new JsonObject().put("type", "message_start").put("message", start));
        event(out, "ping", new JsonObject().put("type", "ping"));
        for (int i = 0; i < answer.content().size(); i++) {
            JsonObject block = answer.content().getJsonObject(i);
            if ("text".equals(block.getString("type"))) {
                event(out, "content_block_start", blockStart(i, new JsonObject().put("type", "text").put("text", "")));
                String[] words = block.getString("text").split(" ", -1);
                for (int w = 0; w < words.length; w++) {
                    event(out, "content_block_delta", blockDelta(i, new JsonObject().put("type", "text_delta")
                            .put("text", w == 0 ? words[w] : " " + words[w])));
                    if (failMidway || breakMidway) {
                        response.write(out.toString());
                        if (breakMidway) {
                            vertx.setTimer(50, id -> ctx.request().connection().close());
                        } else {
                            StringBuilder error = new StringBuilder();
                            event(error, "error", new JsonObject().put("type", "error")
                                    .put("error", new JsonObject().put("type", "overloaded_error").put("message", "Overloaded")));
                            response.end(error.toString());
                        }
                        return;
                    }
                }
            } else if ("thinking".equals(block.getString("type"))) {
                event(out, "content_block_start", blockStart(i, new JsonObject().put("type", "thinking").put("thinking", "").put("signature", "")));
                String[] words = block.getString("thinking").split(" ", -1);
                for (int w = 0; w < words.length; w++) {
                    event(out, "content_block_delta", blockDelta(i, new JsonObject().put("type", "thinking_delta")
                            .put("thinking", w == 0 ? words[w] : " " + words[w])));
                }
                event(out, "content_block_delta", blockDelta(i, new JsonObject().put("type", "signature_delta")
                        .put("signature", block.getString("signature"))));
            } else if ("redacted_thinking".equals(block.getString("type"))) {
                event(out, "content_block_start", blockStart(i, block.copy()));
            } else {
                event(out, "content_block_start", blockStart(i, block.copy().put("input", new JsonObject())));
                String json = block.getJsonObject("input").encode();
                event(out, "content_block_delta", blockDelta(i, new JsonObject().put("type", "input_json_delta").put("partial_json", "")));
                int third = Math.max(1, json.length() / 3);
                for (int at = 0; at < json.length(); at += third) {
                    event(out, "content_block_delta", blockDelta(i, new JsonObject().put("type", "input_json_delta")
                            .put("partial_json", json.substring(at, Math.min(json.length(), at + third)))));
                }
            }
            event(out, "content_block_stop", new JsonObject().put("type", "content_block_stop").put("index", i));
            response.write(out.toString());
            out.setLength(0);
        }
        event(out, "message_delta", new JsonObject().put("type", "message_delta")
                .put("delta", new JsonObject().put("stop_reason", answer.stopReason()).put("stop_sequence", answer.stopSequence()))
                .put("usage", new JsonObject().put("output_tokens", answer.outputTokens())));
        event(out, "message_stop", new JsonObject().put("type", "message_stop"));
        response.end(out.toString());
    }

    /** A 200 event stream that fails with Anthropic's overload error before any content. */
    private void overloadedStream(RoutingContext ctx, JsonObject body, boolean afterStart) {
        HttpServerResponse response = ctx.response();
        response.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
        StringBuilder out = new StringBuilder();
        if (afterStart) {
            JsonObject start = message(body, new Answer(new JsonArray(), null, null, 1)).put("stop_reason", null);
            event(out, "message_start", new JsonObject().put("type", "message_start").put("message", start));
            event(out, "ping", new JsonObject().put("type", "ping"));
        }
        event(out, "error", new JsonObject().put("type", "error")
                .put("error", new JsonObject().put("type", "overloaded_error").put("message", "Overloaded")));
        response.end(out.toString());
    }

    /** A whole stream (message_start to message_stop) whose text deltas, one per word, are spread over {@code millis}. */
    private void drip(RoutingContext ctx, JsonObject body, long millis) {
        HttpServerResponse response = ctx.response();
        boolean stream = Boolean.TRUE.equals(body.getValue("stream"));
        if (!stream) {
            vertx.setTimer(Math.max(1, millis), id -> response.putHeader("content-type", "application/json").end(message(body, answer(body)).encode()));
            return;
        }
        Answer answer = answer(body);
        String text = answer.content().isEmpty() ? "" : answer.content().getJsonObject(0).getString("text", "");
        String[] words = text.split(" ", -1);
        response.setChunked(true).putHeader("content-type", "text/event-stream");
        JsonObject start = message(body, answer).put("content", new JsonArray()).put("stop_reason", null).put("stop_sequence", null);
        StringBuilder out = new StringBuilder();
        event(out, "message_start", new JsonObject().put("type", "message_start").put("message", start));
        event(out, "content_block_start", blockStart(0, new JsonObject().put("type", "text").put("text", "")));
        response.write(out.toString());
        int[] sent = { 0 };
        vertx.setPeriodic(Math.max(1, millis / Math.max(1, words.length)), id -> {
            if (response.closed()) {
                vertx.cancelTimer(id);
                return;
            }
            StringBuilder next = new StringBuilder();
            event(next, "content_block_delta", blockDelta(0, new JsonObject().put("type", "text_delta")
                    .put("text", sent[0] == 0 ? words[0] : " " + words[sent[0]])));
            if (++sent[0] < words.length) {
                response.write(next.toString());
                return;
            }
            vertx.cancelTimer(id);
            event(next, "content_block_stop", new JsonObject().put("type", "content_block_stop").put("index", 0));
            event(next, "message_delta", new JsonObject().put("type", "message_delta")
                    .put("delta", new JsonObject().put("stop_reason", answer.stopReason()).putNull("stop_sequence"))
                    .put("usage", new JsonObject().put("output_tokens", answer.outputTokens())));
            event(next, "message_stop", new JsonObject().put("type", "message_stop"));
            response.end(next.toString());
        });
    }

    private void endless(RoutingContext ctx, JsonObject body) {
        HttpServerResponse response = ctx.response();
        response.setChunked(true).putHeader("content-type", "text/event-stream");
        JsonObject start = message(body, new Answer(new JsonArray(), null, null, 1)).put("stop_reason", null);
        StringBuilder out = new StringBuilder();
        event(out, "message_start", new JsonObject().put("type", "message_start").put("message", start));
        event(out, "content_block_start", blockStart(0, new JsonObject().put("type", "text").put("text", "")));
        response.write(out.toString());
        long[] timer = new long[1];
        response.closeHandler(v -> {
            vertx.cancelTimer(timer[0]);
            streamCancelled();
        });
        timer[0] = vertx.setPeriodic(50, id -> {
            if (!response.closed()) {
                StringBuilder tick = new StringBuilder();
                event(tick, "content_block_delta", blockDelta(0, new JsonObject().put("type", "text_delta").put("text", " tick")));
                response.write(tick.toString());
            }
        });
        vertx.setTimer(TimeUnit.MINUTES.toMillis(10), id -> {
            vertx.cancelTimer(timer[0]);
            response.end();
        });
    }

    private static JsonObject blockStart(int index, JsonObject block) {
        return new JsonObject().put("type", "content_block_start").put("index", index).put("content_block", block);
    }

    private static JsonObject blockDelta(int index, JsonObject delta) {
        return new JsonObject().put("type", "content_block_delta").put("index", index).put("delta", delta);
    }

    private static void event(StringBuilder out, String name, JsonObject data) {
        out.append("event: ").append(name).append('\n').append("data: ").append(data.encode()).append("\n\n");
    }

    /** Runs the simulator in its own process: {@code AnthropicSimulator [port]}. */
    public static void main(String[] args) throws Exception {
        AnthropicSimulator simulator = start(args.length > 0 ? Integer.parseInt(args[0]) : 0);
        serveUntilKilled(simulator, "Anthropic simulator listening on " + simulator.baseUrl());
    }
}
