package dev.switchboard.gateway.front;

import dev.switchboard.gateway.json.JsonFields;
import dev.switchboard.gateway.json.RequestTrees;
import dev.switchboard.gateway.policy.RequestPolicy;
import dev.switchboard.gateway.policy.hooks.HookCalls;
import dev.switchboard.gateway.policy.hooks.HookChain;
import dev.switchboard.gateway.record.RequestRecord;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * The request's policies (its model's and its client's hooks and cache rule), then its PreCall hooks, the built-in
 * redaction among them: after admission, so a refused request still counts against the caller's request limits, and
 * before the cache, so a stored answer is never served past a hook. A hook's rewrite replaces the body (its
 * {@code model} and {@code stream} stay as the client sent them: routing and delivery were decided on them) and the
 * client API prepares it again.
 */
@Singleton
final class PreCallHooks implements FrontStep {

    @Inject
    HookCalls calls;

    @Override
    public void apply(Inbound request, Next next) {
        RequestRecord record = request.record();
        request.policy = RequestPolicy.of(request.table().table().requestPolicies(), request.route().name(), record.clientName(), record.endpoint());
        if (request.policy.preCall().isEmpty() && request.policy.postCall().isEmpty()) {
            next.proceed();
            return;
        }
        long deadline = record.startNanos() + request.table().table().settings().deadlineMs() * 1_000_000;
        request.hooks = new HookChain(calls, request.table(), context(request), deadline, record);
        if (request.policy.preCall().isEmpty()) {
            next.proceed();
            return;
        }
        JsonObject body;
        try {
            body = RequestTrees.parse(request.raw());
        } catch (RequestTrees.TooComplex | RuntimeException e) {
            request.refuse(request.api().unreadable(e.getMessage()));
            return;
        }
        request.hooks.run(request.policy.preCall(), body, "request").onComplete(done -> {
            if (done.failed()) {
                request.refuse(request.api().unreadable(String.valueOf(done.cause().getMessage())));
                return;
            }
            HookChain.Result result = done.result();
            if (result.refusal() != null) {
                request.refuse(result.refusal());
                return;
            }
            if (result.changed() && !rewritten(request, result.document())) {
                return;
            }
            next.proceed();
        });
    }

    /** What every hook is told besides the request: its id, endpoint, the model as asked, and the client. */
    private static JsonObject context(Inbound request) {
        RequestRecord record = request.record();
        JsonObject client = new JsonObject().put("name", record.clientName()).put("subject", record.subject());
        if (request.caller() != null && request.caller().client() != null) {
            client.put("team", request.caller().client().team());
        }
        return new JsonObject().put("requestId", record.requestId()).put("endpoint", record.endpoint()).put("model", request.model())
                .put("client", client);
    }

    /** The rewritten request becomes the body; false when the client API refused it. */
    private static boolean rewritten(Inbound request, JsonObject document) {
        JsonObject original = new JsonObject(request.raw());
        document.put("model", request.model());
        for (String field : new String[] {"stream", "stream_options"}) {
            if (original.containsKey(field)) {
                document.put(field, original.getValue(field));
            } else {
                document.remove(field);
            }
        }
        Buffer raw = document.toBuffer();
        try {
            request.body = JsonFields.scan(raw);
        } catch (JsonFields.Invalid e) {
            request.refuse(request.api().unreadable(e.getMessage()));
            return false;
        }
        request.raw = raw;
        request.record().received(request.record().stream(), raw.length());
        return Prepare.prepare(request);
    }
}
