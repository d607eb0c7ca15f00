package dev.switchboard.gateway.testing;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * A real HTTP server on 127.0.0.1 speaking the OpenAI wire format (JSON and SSE), for tests and benchmarks.
 * Behaviour is chosen by the upstream model name the gateway sends, so a routing table alone decides it:
 * <ul>
 * <li>{@code fail-500}: a 500 with an OpenAI error body;</li>
 * <li>{@code rate-limited}: a 429 with {@code Retry-After: 7};</li>
 * <li>{@code unauthorized}: a 401 whose message quotes part of the key, as OpenAI's does;</li>
 * <li>{@code slow-<ms>}: waits that long before the first byte;</li>
 * <li>{@code break-stream}: streams two chunks, then drops the connection;</li>
 * <li>{@code endless-stream}: one chunk every 50 ms for ten minutes, to observe cancellation;</li>
 * <li>{@code rate-limited-bare}: a 429 without Retry-After;</li>
 * <li>{@code rate-limited-after-<s>}, {@code unavailable-after-<s>}: a 429, or a 503, with {@code Retry-After: <s>};</li>
 * <li>{@code fail-503}: a 503 overloaded error;</li>
 * <li>{@code unavailable-retry-after}: a 503 with {@code Retry-After: 30};</li>
 * <li>{@code rate-limited-rfc850}, {@code rate-limited-asctime}: a 429 whose {@code Retry-After} is the date 30 s
 * ahead in the obsolete HTTP-date forms (RFC 850 {@code Thursday, 03-Dec-26 10:04:37 GMT}, asctime
 * {@code Thu Dec  3 10:04:37 2026});</li>
 * <li>{@code bad-request}: a 400 invalid_request_error (a client error no other target would answer differently);</li>
 * <li>{@code reject-key-a}: a 401 for {@link TestTables#KEY_A}, the normal answer for any other key;</li>
 * <li>{@code reset}: reads the request, then closes the connection without answering;</li>
 * <li>{@code stall}: never answers (until the caller gives up);</li>
 * <li>{@code stall-stream}: streams one chunk, then stalls;</li>
 * <li>{@code truncated-stream}: streams two chunks and ends the response without {@code [DONE]};</li>
 * <li>{@code empty-stream}: starts an event stream and ends it without a single event;</li>
 * <li>{@code malformed-json}: a 200 whose JSON body is cut off;</li>
 * <li>{@code large-<bytes>} (chat, completions, embeddings): a 200 JSON answer of about that many bytes (one very long
 * embedding), written as fast as the connection takes it and never held whole, so it can be hundreds of megabytes;</li>
 * <li>{@code drip-<ms>}: a complete stream of {@value #DRIP_CHUNKS} chunks spread over that long;
 * {@code drip-<ms>-<chunks>} with that many chunks instead;</li>
 * <li>{@code keepalive-then-error}: streamed, two keep-alive comments (as OpenAI-compatible routers send while a
 * model warms up), then an error event and the end, before any content; not streamed, a normal answer;</li>
 * <li>{@code malformed-delta}: streamed, a first chunk whose {@code delta} is a string, then a normal stream; not
 * streamed, a normal answer;</li>
 * <li>{@code keepalive-stall}: streamed, a keep-alive comment every 100 ms and never any content; not streamed, a
 * normal answer;</li>
 * <li>{@code late-usage-<ms>}: a normal answer whose streamed usage chunk (and [DONE]) follows the finish reason that
 * much later;</li>
 * <li>{@code cached*}: a normal answer whose usage reports {@value #CACHED_TOKENS} of its prompt tokens as cached;</li>
 * <li>on {@code /v1/responses}, anything but {@code fail-500} and {@code rate-limited}: the Responses API as
 * {@link ResponsesSimulation} serves it;</li>
 * <li>anything else: echoes the last message, or, when tools are given and the last message is not a tool result,
 * calls the first tool (streamed as OpenAI streams tool calls: id and name first, then argument fragments).</li>
 * </ul>
 * Anything after a {@code ~} in the model name is ignored, so tests can give each target its own name (and its
 * own circuit breaker) with the same behaviour. A {@link SimulatorServer.Schedule} the simulator follows picks the
 * behaviour instead of the model name. Every request is recorded for assertions, and requests still open are
 * counted, so tests can check that the gateway leaves none hanging.
 */
public final class OpenAiSimulator extends SimulatorServer<OpenAiSimulator.Received> {

    /** How many chunks a {@code drip-<ms>} stream carries. */
    public static final int DRIP_CHUNKS = 10;
    /** The wait the {@code unavailable-retry-after} and {@code rate-limited-<date form>} answers ask for. */
    public static final long RETRY_AFTER_SECONDS = 30;
    /** Every answer reports 5 prompt and 7 completion tokens; of the prompt, a {@code cached*} model reports this many cached. */
    public static final int CACHED_TOKENS = 4;
    /** Of the 7 completion tokens, an answer with reasoning reports this many as reasoning tokens. */
    public static final int REASONING_TOKENS = 3;

    /** What the simulator received; {@code headers} are all request headers, as sent. */
    public record Received(String path, String authorization, String team, JsonObject body, MultiMap headers) {
    }

    private final ResponsesSimulation responses = new ResponsesSimulation();

    private OpenAiSimulator() {
    }

    public static OpenAiSimulator start(int port) throws Exception {
        OpenAiSimulator simulator = new OpenAiSimulator();
        simulator.listen(port, router -> {
            router.post("/v1/chat/completions").handler(ctx -> simulator.answer(ctx, true));
            router.post("/v1/completions").handler(ctx -> simulator.answer(ctx, false));
            router.post("/v1/embeddings").handler(simulator::embeddings);
            router.post("/v1/responses").handler(simulator::responses);
        });
        return simulator;
    }

    /** OpenAI's API root, as clients and Providers name it, includes /v1. */
    @Override
    public String baseUrl() {
        return super.baseUrl() + "/v1";
    }

    private Received record(RoutingContext ctx) {
        JsonObject body = ctx.body().asJsonObject();
        Received r = new Received(ctx.request().path(), ctx.request().getHeader("authorization"),
                ctx.request().getHeader("x-team"), body, MultiMap.caseInsensitiveMultiMap().addAll(ctx.request().headers()));
        remember(r);
        return r;
    }

    /** The behaviour part of a model name: what comes before any {@code ~}. */
    static String behaviour(JsonObject body) {
        String model = body.getString("model", "");
        int tilde = model.indexOf('~');
        return tilde < 0 ? model : model.substring(0, tilde);
    }

    private void answer(RoutingContext ctx, boolean chat) {
        JsonObject body = record(ctx).body();
        body.put("model", scheduled(ctx, body.getString("model", "")));
        String model = behaviour(body);
        if (model.startsWith("large-")) {
            large(ctx.response(), Long.parseLong(model.substring(6)));
            return;
        }
        if (model.startsWith("drip-")) {
            String[] shape = model.substring(5).split("-", 2);
            drip(ctx.response(), body, chat, Long.parseLong(shape[0]), shape.length > 1 ? Integer.parseInt(shape[1]) : DRIP_CHUNKS);
            return;
        }
        if (model.startsWith("slow-")) {
            vertx.setTimer(Long.parseLong(model.substring(5)), id -> reply(ctx, body, chat));
            return;
        }
        if (model.startsWith("rate-limited-after-") || model.startsWith("unavailable-after-")) {
            boolean limited = model.startsWith("rate-limited");
            ctx.response().putHeader("retry-after", model.substring(model.lastIndexOf('-') + 1));
            error(ctx.response(), limited ? 429 : 503, limited ? "rate_limit_exceeded" : "overloaded",
                    limited ? "Rate limit reached for requests." : "The upstream is overloaded.");
            return;
        }
        if (model.startsWith("late-usage-") && Boolean.TRUE.equals(body.getValue("stream"))) {
            HttpServerResponse response = ctx.response();
            streamContent(response, body, chat);
            vertx.setTimer(Long.parseLong(model.substring(11)), id -> {
                if (!response.closed()) {
                    streamEnd(response, body, chat);
                }
            });
            return;
        }
        reply(ctx, body, chat);
    }

    private void reply(RoutingContext ctx, JsonObject body, boolean chat) {
        String model = behaviour(body);
        HttpServerResponse response = ctx.response();
        switch (model) {
            case "rate-limited-bare" -> error(response, 429, "rate_limit_exceeded", "Rate limit reached for requests.");
            case "fail-503" -> error(response, 503, "overloaded", "The upstream is overloaded.");
            case "unavailable-retry-after" -> {
                response.putHeader("retry-after", Long.toString(RETRY_AFTER_SECONDS));
                error(response, 503, "overloaded", "The upstream is overloaded.");
            }
            case "rate-limited-rfc850", "rate-limited-asctime" -> {
                String pattern = model.endsWith("rfc850") ? "EEEE, dd-MMM-yy HH:mm:ss 'GMT'" : "EEE MMM ppd HH:mm:ss yyyy";
                response.putHeader("retry-after", DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH)
                        .format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(RETRY_AFTER_SECONDS)));
                error(response, 429, "rate_limit_exceeded", "Rate limit reached for requests.");
            }
            case "bad-request" -> error(response, 400, "invalid_value", "The request is not valid for this model.");
            case "reject-key-a" -> {
                if (("Bearer " + TestTables.KEY_A).equals(ctx.request().getHeader("authorization"))) {
                    error(response, 401, "invalid_api_key", "Incorrect API key provided.");
                } else {
                    answerNormally(response, body, chat);
                }
            }
            case "reset" -> ctx.request().connection().close();
            case "stall" -> {
                // Holds the request until the caller gives up and closes the connection.
            }
            case "stall-stream" -> {
                response.setChunked(true).putHeader("content-type", "text/event-stream");
                response.write(sse(chunk(body, chat, "partial", true)));
            }
            case "truncated-stream" -> {
                response.setChunked(true).putHeader("content-type", "text/event-stream");
                response.write(sse(chunk(body, chat, "partial", true)));
                response.end(sse(chunk(body, chat, " answer", false)));
            }
            case "empty-stream" -> response.setChunked(true).putHeader("content-type", "text/event-stream").end();
            case "malformed-json" -> response.putHeader("content-type", "application/json")
                    .end("{\"id\":\"cmpl-sim\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,");
            case "fail-500" -> error(response, 500, "server_error", "The upstream is on fire.");
            case "rate-limited" -> {
                response.putHeader("retry-after", "7");
                error(response, 429, "rate_limit_exceeded", "Rate limit reached for requests.");
            }
            case "unauthorized" -> error(response, 401, "invalid_api_key",
                    "Incorrect API key provided: " + ctx.request().getHeader("authorization").substring(7, 12) + "***.");
            case "break-stream" -> {
                response.setChunked(true).putHeader("content-type", "text/event-stream");
                response.write(sse(chunk(body, chat, "partial", true)));
                response.write(sse(chunk(body, chat, " answer", false)));
                vertx.setTimer(50, id -> ctx.request().connection().close());
            }
            case "endless-stream" -> endless(ctx, body, chat);
            case "keepalive-then-error" -> {
                if (!Boolean.TRUE.equals(body.getValue("stream"))) {
                    answerNormally(response, body, chat);
                    return;
                }
                response.setChunked(true).putHeader("content-type", "text/event-stream");
                response.write(": keep-alive\n\n");
                vertx.setTimer(20, id -> {
                    response.write(": keep-alive\n\n");
                    response.end(sse(new JsonObject().put("error", new JsonObject()
                            .put("message", "The server had an error while processing your request.")
                            .put("type", "server_error").putNull("param").putNull("code"))));
                });
            }
            case "malformed-delta" -> {
                if (Boolean.TRUE.equals(body.getValue("stream"))) {
                    JsonObject malformed = chunk(body, chat, "", true);
                    malformed.getJsonArray("choices").getJsonObject(0).put("delta", "not an object");
                    response.setChunked(true).putHeader("content-type", "text/event-stream").write(sse(malformed));
                }
                answerNormally(response, body, chat);
            }
            case "keepalive-stall" -> {
                if (!Boolean.TRUE.equals(body.getValue("stream"))) {
                    answerNormally(response, body, chat);
                    return;
                }
                response.setChunked(true).putHeader("content-type", "text/event-stream");
                long timer = vertx.setPeriodic(0, 100, id -> response.write(": keep-alive\n\n"));
                response.closeHandler(v -> vertx.cancelTimer(timer));
            }
            default -> answerNormally(response, body, chat);
        }
    }

    private static void answerNormally(HttpServerResponse response, JsonObject body, boolean chat) {
        if (Boolean.TRUE.equals(body.getValue("stream"))) {
            stream(response, body, chat);
        } else {
            response.putHeader("content-type", "application/json").end(completion(body, chat).encode());
        }
    }

    private static void error(HttpServerResponse response, int status, String code, String message) {
        JsonObject error = new JsonObject().put("message", message)
                .put("type", status == 429 ? "requests" : "server_error").put("param", null).put("code", code);
        response.setStatusCode(status).putHeader("content-type", "application/json")
                .end(new JsonObject().put("error", error).encode());
    }

    static String answerText(JsonObject body, boolean chat) {
        if (!chat) {
            return "echo: " + body.getValue("prompt");
        }
        JsonArray messages = body.getJsonArray("messages", new JsonArray());
        Object last = messages.isEmpty() ? "" : messages.getJsonObject(messages.size() - 1).getValue("content");
        return "echo: " + last;
    }

    private static JsonObject usage(JsonObject body) {
        JsonObject usage = new JsonObject().put("prompt_tokens", 5).put("completion_tokens", 7).put("total_tokens", 12);
        if (behaviour(body).startsWith("cached")) {
            usage.put("prompt_tokens_details", new JsonObject().put("cached_tokens", CACHED_TOKENS));
        }
        if (reasoning(body) != null) {
            usage.put("completion_tokens_details", new JsonObject().put("reasoning_tokens", REASONING_TOKENS));
        }
        return usage;
    }

    /**
     * The reasoning a chat request with a reasoning_effort (other than none) gets, in `reasoning_content` as
     * OpenAI-compatible reasoning servers (DeepSeek, vLLM, Ollama's OpenAI layer) return it; null otherwise.
     */
    static String reasoning(JsonObject body) {
        Object effort = body.getValue("reasoning_effort");
        if (effort == null || "none".equals(effort) || !body.containsKey("messages")) {
            return null;
        }
        return "Reasoning " + effort + " before answering";
    }

    private static JsonObject completion(JsonObject body, boolean chat) {
        JsonObject choice = new JsonObject().put("index", 0).put("finish_reason", "stop").put("logprobs", null);
        if (chat) {
            JsonObject message = new JsonObject().put("role", "assistant");
            String name = toolToCall(body);
            if (name != null) {
                message.putNull("content").put("tool_calls", new JsonArray().add(new JsonObject()
                        .put("id", "call_1").put("type", "function")
                        .put("function", new JsonObject().put("name", name).put("arguments", "{}"))));
                choice.put("finish_reason", "tool_calls");
            } else {
                message.put("content", answerText(body, true));
            }
            if (reasoning(body) != null) {
                message.put("reasoning_content", reasoning(body));
            }
            choice.put("message", message);
        } else {
            choice.put("text", answerText(body, false));
        }
        return new JsonObject().put("id", "cmpl-sim").put("object", chat ? "chat.completion" : "text_completion")
                .put("created", 1_700_000_000).put("model", body.getString("model"))
                .put("choices", new JsonArray().add(choice)).put("usage", usage(body));
    }

    /** The first tool's name when the answer should call it, else null. */
    private static String toolToCall(JsonObject body) {
        JsonArray tools = body.getJsonArray("tools");
        JsonArray messages = body.getJsonArray("messages", new JsonArray());
        boolean answeringTool = !messages.isEmpty() && "tool".equals(messages.getJsonObject(messages.size() - 1).getString("role"));
        return tools == null || tools.isEmpty() || answeringTool ? null : tools.getJsonObject(0).getJsonObject("function").getString("name");
    }

    private static JsonObject chunk(JsonObject body, boolean chat, String text, boolean first) {
        JsonObject choice = new JsonObject().put("index", 0).putNull("finish_reason");
        if (chat) {
            JsonObject delta = new JsonObject().put("content", text);
            if (first) {
                delta.put("role", "assistant");
            }
            choice.put("delta", delta);
        } else {
            choice.put("text", text).putNull("logprobs");
        }
        return new JsonObject().put("id", "cmpl-sim").put("object", chat ? "chat.completion.chunk" : "text_completion")
                .put("created", 1_700_000_000).put("model", body.getString("model"))
                .put("choices", new JsonArray().add(choice));
    }

    private static String sse(JsonObject data) {
        return "data: " + data.encode() + "\n\n";
    }

    private static void stream(HttpServerResponse response, JsonObject body, boolean chat) {
        streamContent(response, body, chat);
        streamEnd(response, body, chat);
    }

    /** The head (unless a behaviour already sent it) and every chunk up to the one with the finish reason. */
    private static void streamContent(HttpServerResponse response, JsonObject body, boolean chat) {
        if (!response.headWritten()) {
            response.setChunked(true).putHeader("content-type", "text/event-stream");
        }
        String tool = chat ? toolToCall(body) : null;
        String reasoning = chat ? reasoning(body) : null;
        if (reasoning != null) {
            // Reasoning streams first, word by word, with the role on its first chunk and no content yet.
            String[] words = reasoning.split(" ");
            for (int i = 0; i < words.length; i++) {
                JsonObject thought = chunk(body, true, null, i == 0);
                thought.getJsonArray("choices").getJsonObject(0).getJsonObject("delta").putNull("content")
                        .put("reasoning_content", i == 0 ? words[i] : " " + words[i]);
                response.write(sse(thought));
            }
        }
        if (tool != null) {
            JsonObject call = new JsonObject().put("index", 0).put("id", "call_1").put("type", "function")
                    .put("function", new JsonObject().put("name", tool).put("arguments", ""));
            JsonObject first = chunk(body, true, null, reasoning == null);
            first.getJsonArray("choices").getJsonObject(0).getJsonObject("delta").putNull("content").put("tool_calls", new JsonArray().add(call));
            response.write(sse(first));
            for (String fragment : new String[] { "{", "}" }) {
                JsonObject next = chunk(body, true, null, false);
                next.getJsonArray("choices").getJsonObject(0).getJsonObject("delta").remove("content");
                next.getJsonArray("choices").getJsonObject(0).getJsonObject("delta").put("tool_calls", new JsonArray()
                        .add(new JsonObject().put("index", 0).put("function", new JsonObject().put("arguments", fragment))));
                response.write(sse(next));
            }
        } else {
            String[] words = answerText(body, chat).split(" ");
            for (int i = 0; i < words.length; i++) {
                response.write(sse(chunk(body, chat, i == 0 ? words[i] : " " + words[i], i == 0 && reasoning == null)));
            }
        }
        JsonObject last = chunk(body, chat, "", false);
        last.getJsonArray("choices").getJsonObject(0).put("finish_reason", tool != null ? "tool_calls" : "stop");
        response.write(sse(last));
    }

    /** The usage chunk when asked for, and [DONE]. */
    private static void streamEnd(HttpServerResponse response, JsonObject body, boolean chat) {
        JsonObject options = body.getJsonObject("stream_options");
        if (options != null && options.getBoolean("include_usage", false)) {
            JsonObject usageChunk = chunk(body, chat, "", false).put("choices", new JsonArray()).put("usage", usage(body));
            response.write(sse(usageChunk));
        }
        response.end("data: [DONE]\n\n");
    }

    /** A complete stream of {@code chunks} chunks spread over {@code millis} (the last with the finish reason), then usage when asked for and {@code [DONE]}. */
    private void drip(HttpServerResponse response, JsonObject body, boolean chat, long millis, int chunks) {
        response.setChunked(true).putHeader("content-type", "text/event-stream");
        response.write(sse(chunk(body, chat, "drip 1", true)));
        int[] sent = { 1 };
        vertx.setPeriodic(Math.max(1, millis / Math.max(1, chunks - 1)), id -> {
            if (response.closed()) {
                vertx.cancelTimer(id);
                return;
            }
            sent[0]++;
            JsonObject next = chunk(body, chat, " drip " + sent[0], false);
            if (sent[0] >= chunks) {
                // The last chunk carries the finish reason, as OpenAI's does; then usage (when asked for) and [DONE].
                next.getJsonArray("choices").getJsonObject(0).put("finish_reason", "stop");
                response.write(sse(next));
                vertx.cancelTimer(id);
                streamEnd(response, body, chat);
                return;
            }
            response.write(sse(next));
        });
    }

    private void endless(RoutingContext ctx, JsonObject body, boolean chat) {
        HttpServerResponse response = ctx.response();
        response.setChunked(true).putHeader("content-type", "text/event-stream");
        long[] timer = new long[1];
        response.closeHandler(v -> {
            vertx.cancelTimer(timer[0]);
            streamCancelled();
        });
        timer[0] = vertx.setPeriodic(50, id -> {
            if (!response.closed()) {
                response.write(sse(chunk(body, chat, " tick", false)));
            }
        });
        vertx.setTimer(TimeUnit.MINUTES.toMillis(10), id -> {
            vertx.cancelTimer(timer[0]);
            response.end("data: [DONE]\n\n");
        });
    }

    /** The Responses API ({@link ResponsesSimulation}); {@code fail-500} and {@code rate-limited} fail as for chat. */
    private void responses(RoutingContext ctx) {
        JsonObject body = record(ctx).body();
        switch (behaviour(body)) {
            case "fail-500" -> error(ctx.response(), 500, "server_error", "The upstream is on fire.");
            case "rate-limited" -> {
                ctx.response().putHeader("retry-after", "7");
                error(ctx.response(), 429, "rate_limit_exceeded", "Rate limit reached for requests.");
            }
            default -> responses.answer(ctx.response(), body);
        }
    }

    private void embeddings(RoutingContext ctx) {
        JsonObject body = record(ctx).body();
        if (behaviour(body).startsWith("large-")) {
            large(ctx.response(), Long.parseLong(behaviour(body).substring(6)));
            return;
        }
        Object input = body.getValue("input");
        int count = input instanceof JsonArray array ? array.size() : 1;
        JsonArray data = new JsonArray();
        for (int i = 0; i < count; i++) {
            data.add(new JsonObject().put("object", "embedding").put("index", i)
                    .put("embedding", new JsonArray().add(0.1 * (i + 1)).add(0.2).add(0.3)));
        }
        ctx.response().putHeader("content-type", "application/json").end(new JsonObject()
                .put("object", "list").put("data", data).put("model", body.getString("model"))
                .put("usage", new JsonObject().put("prompt_tokens", 4).put("total_tokens", 4)).encode());
    }

    /** About {@code bytes} of embeddings answer, written while the connection keeps up, until done or the gateway hangs up. */
    private static void large(HttpServerResponse response, long bytes) {
        response.setChunked(true).putHeader("content-type", "application/json");
        response.write("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.0");
        Buffer piece = Buffer.buffer(",0.0123456789".repeat(5_000));
        long[] left = { bytes };
        Runnable[] pump = new Runnable[1];
        pump[0] = () -> {
            while (left[0] > 0 && !response.closed() && !response.writeQueueFull()) {
                response.write(piece);
                left[0] -= piece.length();
            }
            if (response.closed()) {
                return;
            }
            if (left[0] > 0) {
                response.drainHandler(v -> pump[0].run());
            } else {
                response.end("]}],\"model\":\"large\",\"usage\":{\"prompt_tokens\":1,\"total_tokens\":1}}");
            }
        };
        pump[0].run();
    }

    /** Runs the simulator in its own process: {@code OpenAiSimulator [port]}. */
    public static void main(String[] args) throws Exception {
        OpenAiSimulator simulator = start(args.length > 0 ? Integer.parseInt(args[0]) : 0);
        serveUntilKilled(simulator, "OpenAI simulator listening on " + simulator.baseUrl());
    }
}
