package dev.switchboard.gateway.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The load of the fault-schedule test: planned requests sent concurrently through the gateway's real HTTP port with a
 * Vert.x client, at a steady pace, read to their end (or left, as planned), and judged: a whole answer, a typed error in the API's
 * envelope, or something else. Requests run on their own Vert.x, so the client never shares an event loop with the
 * gateway; each one is given up after a hard limit so a hanging request fails the test instead of stopping it.
 */
public final class FaultLoad implements AutoCloseable {

    /** Whether, and when, the client goes away from its request. */
    public enum Leave {
        STAYS, AFTER_CONTENT, AFTER_TIME
    }

    /** One request as planned from the seed. */
    public record Planned(int n, String id, boolean messages, String model, String client, String key, boolean stream,
            boolean includeUsage, Leave leave, long leaveAfterMs) {

        public String describe() {
            return "request " + id + " (" + (messages ? "/v1/messages" : "/v1/chat/completions") + " " + model + ", client " + client
                    + (stream ? ", streamed" : "") + (leave == Leave.AFTER_CONTENT ? ", leaves after content"
                            : leave == Leave.AFTER_TIME ? ", leaves after " + leaveAfterMs + " ms" : "")
                    + ")";
        }

        String path() {
            return messages ? "/v1/messages" : "/v1/chat/completions";
        }

        Buffer body() {
            JsonObject body = new JsonObject().put("model", model)
                    .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "fault schedule request " + n)));
            if (messages) {
                body.put("max_tokens", 64);
            }
            if (stream) {
                body.put("stream", true);
            }
            if (includeUsage) {
                body.put("stream_options", new JsonObject().put("include_usage", true));
            }
            return body.toBuffer();
        }
    }

    /** What became of a request. */
    public enum Answer {
        WHOLE, TYPED_ERROR, LEFT, BAD
    }

    /** One request on its way, then its outcome. Its callbacks come from several event loops, hence synchronized. */
    public static final class Call {
        public final Planned plan;
        private final long startNanos = System.nanoTime();
        private long endNanos;
        private int status;
        private MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        private final Buffer body = Buffer.buffer();
        private HttpClientRequest request;
        private Runnable onEnd;
        private boolean ended;
        /** The client went away as planned before the answer ended. */
        public boolean left;
        /** Content (text of the answer) had reached the client when it left. */
        public boolean contentSeen;
        /** Answered whole: a complete answer in the API's format. */
        public boolean whole;
        private Answer answer;
        private String problem;

        Call(Planned plan) {
            this.plan = plan;
        }

        public synchronized String header(String name) {
            return headers.get(name);
        }

        public synchronized long durationMs() {
            return TimeUnit.NANOSECONDS.toMillis(endNanos - startNanos);
        }

        public synchronized Answer answer() {
            return answer;
        }

        synchronized void head(int status, MultiMap headers) {
            this.status = status;
            this.headers = headers;
        }

        synchronized void chunk(Buffer chunk) {
            if (ended) {
                return;
            }
            body.appendBuffer(chunk);
            if (plan.leave() == Leave.AFTER_CONTENT && Events.contentIn(body, plan.messages())) {
                leave();
            }
        }

        synchronized void leave() {
            if (ended) {
                return;
            }
            left = true;
            contentSeen = Events.contentIn(body, plan.messages());
            end(Answer.LEFT, null);
            if (request != null) {
                // Closes the connection (HTTP/1.1), as a client that gives up does.
                request.reset();
            }
        }

        synchronized void failed(String why) {
            end(Answer.BAD, why);
        }

        synchronized void completed() {
            if (ended) {
                return;
            }
            String bad = Events.judge(plan, status, headers.get("content-type"), body);
            end(bad == null ? (status == 200 ? Answer.WHOLE : Answer.TYPED_ERROR) : Answer.BAD, bad);
        }

        private void end(Answer outcome, String why) {
            if (ended) {
                return;
            }
            ended = true;
            endNanos = System.nanoTime();
            answer = outcome;
            problem = why;
            whole = outcome == Answer.WHOLE;
            if (onEnd != null) {
                onEnd.run();
            }
        }

        /** Null when the request ended in time with a whole answer or a typed error (or was left); else what went wrong. */
        public synchronized String problem(long boundMs) {
            if (!ended) {
                return "did not end";
            }
            if (answer != Answer.LEFT && durationMs() > boundMs) {
                return "ended after " + durationMs() + " ms, past the deadline plus slack (" + boundMs + " ms)";
            }
            return problem == null ? null : problem + " [status " + status + ", body: " + Events.shorten(body.toString()) + "]";
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpClient client;
    private final int port;
    private final long hardLimitMs;

    public FaultLoad(int port, long hardLimitMs) {
        this.port = port;
        this.hardLimitMs = hardLimitMs;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5_000),
                new PoolOptions().setHttp1MaxSize(256));
    }

    /**
     * Sends every planned request and returns them once all ended: request {@code i} starts {@code i / perSecond}
     * seconds after the first, or later when {@code concurrency} requests are still running. The pace keeps a run
     * as long in time whatever the machine's speed: a closed loop alone would fire requests as fast as the gateway
     * refuses them while every key cools down after 429s, and a fast (warm) run would meet more of that than a slow
     * one. {@code started} is told the number of each request as it starts (on a client event loop: keep it short).
     */
    public List<Call> run(List<Planned> plans, int concurrency, double perSecond, IntConsumer started) throws InterruptedException {
        Call[] calls = new Call[plans.size()];
        CountDownLatch done = new CountDownLatch(plans.size());
        AtomicInteger next = new AtomicInteger();
        long firstNanos = System.nanoTime();
        Runnable[] startNext = new Runnable[1];
        startNext[0] = () -> {
            int i = next.getAndIncrement();
            if (i >= plans.size()) {
                return;
            }
            long dueInMs = TimeUnit.NANOSECONDS.toMillis(firstNanos + (long) (i * 1e9 / perSecond) - System.nanoTime());
            Runnable start = () -> {
                started.accept(i);
                Call call = new Call(plans.get(i));
                calls[i] = call;
                call.onEnd = () -> {
                    done.countDown();
                    vertx.runOnContext(v -> startNext[0].run());
                };
                send(call);
            };
            if (dueInMs > 0) {
                vertx.setTimer(dueInMs, id -> start.run());
            } else {
                start.run();
            }
        };
        for (int c = 0; c < concurrency; c++) {
            startNext[0].run();
        }
        long rounds = (plans.size() + concurrency - 1) / concurrency + 1;
        long boundMs = rounds * hardLimitMs + (long) (plans.size() * 1000 / perSecond);
        if (!done.await(boundMs, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("requests still running after " + boundMs + " ms, past every hard limit");
        }
        return Arrays.asList(calls);
    }

    private void send(Call call) {
        Planned plan = call.plan;
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI(plan.path())
                .putHeader("content-type", "application/json").putHeader("authorization", "Bearer " + plan.key())
                .putHeader("x-request-id", plan.id());
        if (plan.messages()) {
            options.putHeader("anthropic-version", "2023-06-01");
        }
        vertx.setTimer(hardLimitMs, id -> call.failed("no end within the hard limit of " + hardLimitMs + " ms"));
        client.request(options).onFailure(e -> call.failed("the request could not be sent: " + e)).onSuccess(request -> {
            synchronized (call) {
                call.request = request;
            }
            if (plan.leave() == Leave.AFTER_TIME) {
                vertx.setTimer(plan.leaveAfterMs(), id -> call.leave());
            }
            request.send(plan.body()).onFailure(e -> call.failed("the connection failed before an answer: " + e)).onSuccess(response -> {
                call.head(response.statusCode(), response.headers());
                response.handler(call::chunk);
                response.exceptionHandler(e -> call.failed("the connection failed during the answer: " + e));
                response.endHandler(v -> call.completed());
            });
        });
    }

    @Override
    public void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Reading answers: server-sent events, whole answers and error envelopes of both APIs. */
    static final class Events {

        private Events() {
        }

        /** A server-sent event: its name (null when unnamed) and its data. */
        record Event(String name, String data) {
        }

        /** The complete events in the text (a last one without its blank line is still on its way). */
        static List<Event> parse(String text) {
            List<Event> events = new ArrayList<>();
            String normalized = text.replace("\r\n", "\n");
            int start = 0;
            int end;
            while ((end = normalized.indexOf("\n\n", start)) >= 0) {
                String name = null;
                StringBuilder data = null;
                for (String line : normalized.substring(start, end).split("\n")) {
                    if (line.startsWith("event:")) {
                        name = line.substring(6).strip();
                    } else if (line.startsWith("data:")) {
                        String value = line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5);
                        data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    }
                }
                if (name != null || data != null) {
                    events.add(new Event(name, data == null ? null : data.toString()));
                }
                start = end + 2;
            }
            return events;
        }

        /** Whether answer text (content a client would show) is among the events so far. */
        static boolean contentIn(Buffer body, boolean messages) {
            for (Event event : parse(body.toString())) {
                JsonObject data = json(event.data());
                if (data == null) {
                    continue;
                }
                if (messages) {
                    if ("content_block_delta".equals(data.getString("type"))) {
                        return true;
                    }
                } else if (data.getValue("choices") instanceof JsonArray choices && !choices.isEmpty()
                        && choices.getValue(0) instanceof JsonObject choice && choice.getValue("delta") instanceof JsonObject delta
                        && ((delta.getValue("content") instanceof String s && !s.isEmpty()) || delta.containsKey("tool_calls"))) {
                    return true;
                }
            }
            return false;
        }

        /** Null when the answer is whole or a typed error in the API's envelope; else what is wrong with it. */
        static String judge(Planned plan, int status, String contentType, Buffer body) {
            boolean eventStream = contentType != null && contentType.startsWith("text/event-stream");
            if (status == 200 && plan.stream()) {
                if (!eventStream) {
                    return "a stream was asked for, the answer is " + contentType;
                }
                return plan.messages() ? judgeMessagesStream(parse(body.toString())) : judgeChatStream(parse(body.toString()));
            }
            if (eventStream) {
                return "an event stream with status " + status + (plan.stream() ? "" : " to a request that did not ask for one");
            }
            JsonObject json = json(body.toString());
            if (json == null) {
                return "the body is not a JSON object";
            }
            if (status == 200) {
                return plan.messages() ? wholeMessage(json) : wholeCompletion(json);
            }
            if (status < 400) {
                return "status " + status + " is neither an answer nor an error";
            }
            return plan.messages() ? anthropicError(json) : openAiError(json);
        }

        private static String wholeCompletion(JsonObject json) {
            return "chat.completion".equals(json.getString("object")) && json.getValue("choices") instanceof JsonArray choices
                    && !choices.isEmpty() && choices.getJsonObject(0).getValue("message") instanceof JsonObject
                    && choices.getJsonObject(0).getString("finish_reason") != null ? null : "not a whole chat completion";
        }

        private static String wholeMessage(JsonObject json) {
            return "message".equals(json.getString("type")) && json.getValue("content") instanceof JsonArray
                    && json.getString("stop_reason") != null ? null : "not a whole message";
        }

        private static String openAiError(JsonObject json) {
            return json.getValue("error") instanceof JsonObject error && error.getValue("message") instanceof String
                    && error.getValue("type") instanceof String ? null : "not an OpenAI error envelope";
        }

        private static String anthropicError(JsonObject json) {
            return "error".equals(json.getString("type")) && json.getValue("error") instanceof JsonObject error
                    && error.getValue("type") instanceof String && error.getValue("message") instanceof String ? null
                            : "not an Anthropic error envelope";
        }

        /** Whole: chunks, one with a finish reason, then [DONE]. Typed error: an error event, and nothing after it but [DONE]. */
        private static String judgeChatStream(List<Event> events) {
            boolean finished = false;
            for (int i = 0; i < events.size(); i++) {
                String data = events.get(i).data();
                if (data == null) {
                    continue;
                }
                if (data.equals("[DONE]")) {
                    return i == events.size() - 1 ? (finished ? null : "[DONE] without a finish reason before it")
                            : "events after [DONE]";
                }
                JsonObject chunk = json(data);
                if (chunk == null) {
                    return "an event that is not JSON: " + shorten(data);
                }
                if (chunk.containsKey("error")) {
                    boolean last = i == events.size() - 1 || (i == events.size() - 2 && "[DONE]".equals(events.get(i + 1).data()));
                    return !last ? "events after an error event" : openAiError(chunk);
                }
                if (chunk.getValue("choices") instanceof JsonArray choices) {
                    for (Object choice : choices) {
                        finished |= choice instanceof JsonObject c && c.getString("finish_reason") != null;
                    }
                }
            }
            return "the stream ended without [DONE] or an error event";
        }

        /** Whole: message_start first, message_stop last. Typed error: an `error` event last. */
        private static String judgeMessagesStream(List<Event> events) {
            for (int i = 0; i < events.size(); i++) {
                Event event = events.get(i);
                JsonObject data = json(event.data());
                if (data == null) {
                    return "an event that is not JSON: " + shorten(String.valueOf(event.data()));
                }
                if ("error".equals(event.name()) || "error".equals(data.getString("type"))) {
                    return i != events.size() - 1 ? "events after an error event"
                            : !"error".equals(event.name()) ? "an error without its event name" : anthropicError(data);
                }
            }
            if (events.isEmpty() || !"message_start".equals(events.get(0).name())) {
                return "the stream does not begin with message_start";
            }
            return "message_stop".equals(events.get(events.size() - 1).name()) ? null
                    : "the stream ended without message_stop or an error event";
        }

        static JsonObject json(String text) {
            if (text == null) {
                return null;
            }
            try {
                return new JsonObject(text);
            } catch (DecodeException | ClassCastException e) {
                return null;
            }
        }

        static String shorten(String text) {
            return text.length() <= 600 ? text : text.substring(0, 300) + " … " + text.substring(text.length() - 300);
        }
    }
}
