package dev.switchboard.gateway.policy;

import java.util.List;

import dev.switchboard.gateway.dialect.FrameDecoder;
import dev.switchboard.gateway.dialect.Wire;
import dev.switchboard.gateway.policy.cache.AnswerCodec;
import dev.switchboard.gateway.policy.cache.AnswerStore;
import dev.switchboard.gateway.policy.cache.CachedAnswer;
import dev.switchboard.gateway.policy.cache.ResponseCache;
import dev.switchboard.gateway.policy.hooks.HookChain;
import dev.switchboard.gateway.resilience.ClientReply;
import dev.switchboard.gateway.resilience.ExchangeError;
import dev.switchboard.gateway.resilience.Served;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.upstream.ChunkedBody;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.gateway.upstream.UpstreamCall;
import dev.switchboard.gateway.upstream.UpstreamFailure;
import dev.switchboard.gateway.upstream.UpstreamListener;
import dev.switchboard.routing.RequestPolicies;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The post-call side of a request's policies, around the client dialect's own reply so no writer carries a copy: a
 * whole successful answer is held until the PostCall hooks have seen it (and may deny or replace it), then handed to
 * the writer, and a whole successful answer (a stream assembled as it is relayed) is stored in the cache. Streams are
 * relayed as they come: PostCall hooks never see them. Failures and errors pass through untouched.
 */
public final class PolicyReply implements ClientReply {

    /** Where to store the answer: the cache, its store, the key and how long. */
    public record Storing(ResponseCache cache, AnswerStore store, String key, long ttlMs) {
    }

    private final ClientReply inner;
    private final RequestRecord record;
    private final List<RequestPolicies.Hook> postCall;
    private final HookChain hooks;
    private final Storing storing;

    /** {@code hooks} runs {@code postCall} (may be empty); {@code storing} is null when the answer is not to be stored. */
    public PolicyReply(ClientReply inner, RequestRecord record, List<RequestPolicies.Hook> postCall, HookChain hooks, Storing storing) {
        this.inner = inner;
        this.record = record;
        this.postCall = postCall;
        this.hooks = hooks;
        this.storing = storing;
    }

    @Override
    public UpstreamListener deliver(Served served, UpstreamCall call) {
        return new Watch(inner.deliver(served, call), served);
    }

    @Override
    public void fail(ExchangeError error) {
        inner.fail(error);
    }

    @Override
    public void onClientGone(Runnable action) {
        inner.onClientGone(action);
    }

    /**
     * Serves a stored answer through a dialect's reply as if its provider had just sent it: JSON, or (when the request
     * streams and the format can) the stream the codec makes of it.
     */
    public static void replay(ClientReply reply, CachedAnswer answer, boolean stream, AnswerCodec codec, String model) {
        reply.onClientGone(() -> {
        });
        UpstreamListener listener = reply.deliver(new Served(answer.provider(), null, model, 0, null, answer.format()), NOTHING_TO_CALL);
        boolean asStream = stream && answer.format().canStream() && codec != null;
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", asStream ? Wire.EVENT_STREAM : "application/json");
        listener.onHead(200, headers);
        listener.onChunk(asStream ? codec.stream(new JsonObject(answer.body())) : answer.body());
        listener.onEnd();
    }

    private static boolean isJsonObject(Buffer answer) {
        try {
            new JsonObject(answer);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** A replayed answer has no upstream call behind it: nothing to pause or cancel. */
    private static final UpstreamCall NOTHING_TO_CALL = new UpstreamCall() {
        @Override
        public void cancel() {
            // Nothing runs.
        }

        @Override
        public void pause() {
            // The whole answer is written at once.
        }

        @Override
        public void resume() {
            // See pause().
        }
    };

    private final class Watch implements UpstreamListener {
        private final UpstreamListener writer;
        private final Served served;
        private int status;
        private MultiMap headers;
        private ChunkedBody held;
        private FrameDecoder events;
        private AnswerCodec.Assembly assembly;
        private boolean terminated;
        private boolean ended;
        private boolean stored;

        Watch(UpstreamListener writer, Served served) {
            this.writer = writer;
            this.served = served;
        }

        @Override
        public void onHead(int status, MultiMap headers) {
            this.status = status;
            this.headers = headers;
            if (status / 100 == 2 && !Wire.isEventStream(status, headers)) {
                held = new ChunkedBody();
                return;
            }
            AnswerCodec codec = storing == null ? null : storing.cache().codec(served.operation());
            if (status == 200 && codec != null && record.stream()) {
                assembly = codec.assemble();
                events = FrameDecoder.sseData((name, data) -> {
                    if ("[DONE]".equals(data)) {
                        terminated = true;
                        return;
                    }
                    try {
                        assembly.event(new JsonObject(data));
                    } catch (RuntimeException e) {
                        assembly = null;
                    }
                });
            }
            writer.onHead(status, headers);
        }

        @Override
        public void onChunk(Buffer chunk) {
            if (held != null) {
                held.append(chunk);
                return;
            }
            if (events != null) {
                events.feed(chunk);
                storeOnceWhole();
            }
            writer.onChunk(chunk);
        }

        @Override
        public void onEnd() {
            if (ended) {
                return;
            }
            ended = true;
            if (held != null) {
                review(held.buffer());
                return;
            }
            if (events != null) {
                events.finish();
                storeOnceWhole();
            }
            writer.onEnd();
            if (stored && !servedWhole()) {
                storing.store().remove(storing.key());
            }
        }

        /**
         * A stream is stored as soon as it is whole (its terminator decoded), before that last chunk reaches the client,
         * so the client's next identical request finds it.
         */
        private void storeOnceWhole() {
            if (stored || assembly == null || !servedWhole()) {
                return;
            }
            JsonObject whole = assembly.whole(terminated);
            if (whole != null) {
                store(whole.toBuffer());
            }
        }

        @Override
        public void onFailure(UpstreamFailure failure) {
            if (ended) {
                return;
            }
            ended = true;
            if (held != null) {
                writer.onHead(status, headers);
            }
            writer.onFailure(failure);
        }

        /** The PostCall hooks see the answer (when it is JSON), then the writer gets what they left, or the client their refusal. */
        private void review(Buffer answer) {
            JsonObject document = null;
            if (!postCall.isEmpty()) {
                try {
                    document = new JsonObject(answer);
                } catch (RuntimeException e) {
                    // Not JSON: the writer reports the unreadable answer; hooks have nothing to read.
                }
            }
            if (document == null) {
                relay(answer);
                return;
            }
            String format = served.operation() == Operation.MESSAGES ? "anthropic" : "openai";
            hooks.withContext("format", format).run(postCall, document, "response").onComplete(result -> {
                if (result.failed()) {
                    relay(answer);
                } else if (result.result().refusal() != null) {
                    var refusal = result.result().refusal();
                    inner.fail(new ExchangeError(refusal.status(), refusal.type(), refusal.code(), refusal.message(), null, served));
                } else {
                    relay(result.result().changed() ? result.result().document().toBuffer() : answer);
                }
            });
        }

        /**
         * Hands the answer to the writer. A JSON object is stored first, so the client's next identical request finds it;
         * should the writer not serve it as a success after all, it is dropped again.
         */
        private void relay(Buffer answer) {
            if (servedWhole() && isJsonObject(answer)) {
                store(answer);
            }
            writer.onHead(status, headers);
            writer.onChunk(answer);
            writer.onEnd();
            if (stored && !servedWhole()) {
                storing.store().remove(storing.key());
            }
        }

        /** Only a whole, successful answer is stored: a 2xx the writer has not turned into an error. */
        private boolean servedWhole() {
            return storing != null && status / 100 == 2 && (record.status() == 0 || record.status() / 100 == 2) && record.errorCode() == null;
        }

        private void store(Buffer answer) {
            stored = true;
            storing.cache().stored(storing.store(), storing.key(), new CachedAnswer(served.operation(), served.provider(), answer), storing.ttlMs());
        }
    }
}
