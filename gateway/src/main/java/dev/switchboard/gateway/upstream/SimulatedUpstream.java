package dev.switchboard.gateway.upstream;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.json.RequestTrees;
import dev.switchboard.gateway.upstream.UpstreamFailure.Kind;
import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Simulation;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The in-process `Simulated` provider: answers in the OpenAI wire format (JSON and SSE) with deterministic
 * content, a configurable time to first byte, a token rate and injected failures, without any network. It
 * produces the same bytes an OpenAI upstream would, so the gateway handles both through one code path. It is as
 * strict as OpenAI about the request ({@link OpenAiRequestRules}: a typed 400 for what OpenAI refuses) and keeps
 * to the call's first-byte, idle and total timeouts as an HTTP call does, with the same failures.
 */
public final class SimulatedUpstream implements Upstream {

    private static final int CREATED = 1_700_000_000;

    private final Vertx vertx;
    private final Map<String, AtomicLong> requestCounts = new ConcurrentHashMap<>();

    public SimulatedUpstream(Vertx vertx) {
        this.vertx = vertx;
    }

    /** A request with its body parsed once: the simulator reads prompt, limits and options from it. */
    private record Call(UpstreamRequest upstream, JsonObject body) {
        Operation operation() {
            return upstream.operation();
        }

        boolean stream() {
            return upstream.stream();
        }

        String requestId() {
            return upstream.requestId();
        }

        UpstreamProvider provider() {
            return upstream.provider();
        }
    }

    @Override
    public UpstreamCall send(UpstreamRequest upstream, UpstreamListener listener) {
        Call request;
        try {
            request = new Call(upstream, RequestTrees.parse(upstream.body()));
        } catch (RequestTrees.TooComplex e) {
            return UpstreamCall.answered(vertx, listener, ApiError.tooComplex(e.getMessage()));
        }
        ApiError refused = OpenAiRequestRules.check(upstream.operation(), request.body());
        if (refused != null) {
            return UpstreamCall.answered(vertx, listener, refused);
        }
        Simulation simulation = request.provider().simulation();
        Playback playback = new Playback(listener, upstream.timeouts());
        long n = requestCounts.computeIfAbsent(request.provider().name(), k -> new AtomicLong()).getAndIncrement();
        playback.after(simulation.latencyMs(), () -> {
            if (failsAt(simulation.failureRate(), n)) {
                playback.fail(simulation.failureStatus(), request);
            } else if (request.operation() == Operation.EMBEDDINGS) {
                playback.json(embeddings(request));
            } else if (request.stream()) {
                playback.stream(request, SimulatedContent.tokens(request.body()), simulation.tokensPerSecond());
            } else {
                List<String> tokens = SimulatedContent.tokens(request.body());
                playback.after(generationMs(tokens.size(), simulation.tokensPerSecond()),
                        () -> playback.json(completion(request, tokens)));
            }
        });
        return playback;
    }

    /** Spreads failures evenly: exactly round(n * rate) of the first n requests fail, the same on every run. */
    static boolean failsAt(double rate, long n) {
        return rate > 0 && Math.floor((n + 1) * rate) > Math.floor(n * rate);
    }

    private static long generationMs(int tokens, int tokensPerSecond) {
        return tokensPerSecond <= 0 ? 0 : tokens * 1000L / tokensPerSecond;
    }

    private static String id(Call request) {
        return "sim-" + request.requestId();
    }

    private static JsonObject usage(Call request, int completionTokens) {
        int prompt = SimulatedContent.promptTokens(request.body());
        return new JsonObject().put("prompt_tokens", prompt).put("completion_tokens", completionTokens)
                .put("total_tokens", prompt + completionTokens);
    }

    private static JsonObject completion(Call request, List<String> tokens) {
        String text = String.join("", tokens);
        boolean chat = request.operation() == Operation.CHAT;
        JsonObject choice = new JsonObject().put("index", 0).put("finish_reason", "stop");
        if (chat) {
            choice.put("message", new JsonObject().put("role", "assistant").put("content", text));
        } else {
            choice.put("text", text).put("logprobs", null);
        }
        return new JsonObject()
                .put("id", id(request))
                .put("object", chat ? "chat.completion" : "text_completion")
                .put("created", CREATED)
                .put("model", request.body().getString("model"))
                .put("choices", new JsonArray().add(choice))
                .put("usage", usage(request, tokens.size()));
    }

    private static JsonObject chunk(Call request, JsonObject choice) {
        boolean chat = request.operation() == Operation.CHAT;
        return new JsonObject()
                .put("id", id(request))
                .put("object", chat ? "chat.completion.chunk" : "text_completion")
                .put("created", CREATED)
                .put("model", request.body().getString("model"))
                .put("choices", choice == null ? new JsonArray() : new JsonArray().add(choice));
    }

    private static JsonObject delta(Call request, String token, String finishReason, boolean first) {
        JsonObject choice = new JsonObject().put("index", 0).put("finish_reason", finishReason);
        if (request.operation() == Operation.CHAT) {
            JsonObject delta = new JsonObject();
            if (first) {
                delta.put("role", "assistant");
            }
            if (token != null) {
                delta.put("content", token);
            }
            choice.put("delta", delta);
        } else {
            choice.put("text", token == null ? "" : token).put("logprobs", null);
        }
        return choice;
    }

    private static JsonObject embeddings(Call request) {
        int dimensions = request.body().getInteger("dimensions", SimulatedContent.DEFAULT_DIMENSIONS);
        List<String> inputs = SimulatedContent.embeddingInputs(request.body());
        JsonArray data = new JsonArray();
        int promptTokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            data.add(new JsonObject().put("object", "embedding").put("index", i)
                    .put("embedding", SimulatedContent.embedding(inputs.get(i), dimensions)));
            promptTokens += inputs.get(i).isBlank() ? 0 : inputs.get(i).strip().split("\\s+").length;
        }
        return new JsonObject()
                .put("object", "list")
                .put("data", data)
                .put("model", request.body().getString("model"))
                .put("usage", new JsonObject().put("prompt_tokens", promptTokens).put("total_tokens", promptTokens));
    }

    /**
     * One simulated response being played back on timers, under the call's timeouts: no head within the first-byte
     * timeout, a gap between chunks as long as the idle timeout, or no end within the total timeout fail the call
     * with a {@link Kind#TIMEOUT}, worded as {@link UpstreamHttpCall} words them. Cancel stops every timer.
     */
    private final class Playback implements UpstreamCall {

        private final UpstreamListener listener;
        private final Timeouts timeouts;
        private final long firstByteTimer;
        private final long totalTimer;
        private long timer = -1;
        private boolean over;

        Playback(UpstreamListener listener, Timeouts timeouts) {
            this.listener = listener;
            this.timeouts = timeouts;
            this.firstByteTimer = vertx.setTimer(timeouts.firstByteMs(), id -> timeout("no response within " + timeouts.firstByteMs() + " ms"));
            this.totalTimer = vertx.setTimer(timeouts.totalMs(), id -> timeout("no complete response within " + timeouts.totalMs() + " ms"));
        }

        void after(long delayMs, Runnable action) {
            if (delayMs <= 0) {
                vertx.runOnContext(v -> {
                    if (!over) {
                        action.run();
                    }
                });
                return;
            }
            timer = vertx.setTimer(delayMs, id -> {
                if (!over) {
                    action.run();
                }
            });
        }

        /** The next chunk of a stream after {@code delayMs}, unless that gap is the idle timeout's to end. */
        void next(long delayMs, Runnable action) {
            if (delayMs >= timeouts.idleMs()) {
                after(timeouts.idleMs(), () -> timeout("no data for " + timeouts.idleMs() + " ms"));
            } else {
                after(delayMs, action);
            }
        }

        private void head(int status, MultiMap headers) {
            vertx.cancelTimer(firstByteTimer);
            listener.onHead(status, headers);
        }

        private void end() {
            over = true;
            vertx.cancelTimer(totalTimer);
            listener.onEnd();
        }

        private void timeout(String message) {
            if (over) {
                return;
            }
            cancel();
            listener.onFailure(new UpstreamFailure(Kind.TIMEOUT, message));
        }

        void json(JsonObject body) {
            head(200, MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json"));
            listener.onChunk(body.toBuffer());
            end();
        }

        void fail(int status, Call request) {
            if (status < 400) {
                cancel();
                listener.onFailure(new UpstreamFailure(Kind.BROKEN, "simulated connection failure"));
                return;
            }
            JsonObject error = new JsonObject().put("error", new JsonObject()
                    .put("message", "Simulated failure from provider " + request.provider().name())
                    .put("type", status == 429 ? "rate_limit_error" : "server_error")
                    .put("param", null)
                    .put("code", "simulated_failure"));
            MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
            if (status == 429) {
                headers.add("retry-after", "1");
            }
            head(status, headers);
            listener.onChunk(error.toBuffer());
            end();
        }

        void stream(Call request, List<String> tokens, int tokensPerSecond) {
            head(200, MultiMap.caseInsensitiveMultiMap().add("content-type", "text/event-stream"));
            long interval = tokensPerSecond <= 0 ? 0 : Math.max(1, 1000L / tokensPerSecond);
            emit(request, tokens, 0, interval);
        }

        private void emit(Call request, List<String> tokens, int index, long intervalMs) {
            if (index < tokens.size()) {
                event(chunk(request, delta(request, tokens.get(index), null, index == 0)));
                next(intervalMs, () -> emit(request, tokens, index + 1, intervalMs));
                return;
            }
            event(chunk(request, delta(request, null, "stop", false)));
            JsonObject streamOptions = request.body().getJsonObject("stream_options");
            if (streamOptions != null && streamOptions.getBoolean("include_usage", false)) {
                event(chunk(request, null).put("usage", usage(request, tokens.size())));
            }
            listener.onChunk(Buffer.buffer("data: [DONE]\n\n"));
            end();
        }

        private void event(JsonObject data) {
            listener.onChunk(Buffer.buffer("data: " + data.encode() + "\n\n"));
        }

        @Override
        public void cancel() {
            over = true;
            vertx.cancelTimer(timer);
            vertx.cancelTimer(firstByteTimer);
            vertx.cancelTimer(totalTimer);
        }

        @Override
        public void pause() {
            // Simulated output is small and bounded; there is nothing worth holding back.
        }

        @Override
        public void resume() {
            // See pause().
        }
    }
}
