package dev.switchboard.gateway.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * A policy hook service on 127.0.0.1, speaking the gateway's hook protocol: {@code /allow}, {@code /deny} (with a
 * message), {@code /rewrite} (a PreCall hook replacing the last message's text), {@code /rewrite-answer} (a PostCall hook
 * replacing the first choice's text), {@code /stall} (never answers; the gateway's timeout ends the wait) and
 * {@code /broken} (HTTP 500). Records every document it was sent, with the Authorization it came with.
 */
public final class HookServer extends SimulatorServer<HookServer.Received> {

    public static final String DENIAL = "Requests about the secret project are not allowed.";
    public static final String REWRITTEN = "rewritten by the hook";

    public record Received(String path, String authorization, JsonObject document) {
    }

    public static HookServer start() throws Exception {
        return start(0);
    }

    public static HookServer start(int port) throws Exception {
        HookServer server = new HookServer();
        server.listen(port, router -> router.post("/:behaviour").handler(server::answer));
        return server;
    }

    /** Serves on the given port in its own process (bench/policies.sh); it keeps no record there, which would grow without end. */
    public static void main(String[] args) throws Exception {
        HookServer server = start(Integer.parseInt(args[0]));
        server.recording = false;
        serveUntilKilled(server, "hook server listening on " + server.baseUrl());
    }

    private volatile boolean recording = true;

    private void answer(RoutingContext ctx) {
        JsonObject document = ctx.body().asJsonObject();
        if (recording) {
            remember(new Received(ctx.normalizedPath(), ctx.request().getHeader("authorization"), document));
        }
        JsonObject answer = switch (ctx.pathParam("behaviour")) {
            case "allow" -> new JsonObject().put("action", "allow");
            case "deny" -> new JsonObject().put("action", "deny").put("message", DENIAL);
            case "rewrite" -> {
                JsonObject request = document.getJsonObject("request");
                JsonArray messages = request.getJsonArray("messages");
                messages.getJsonObject(messages.size() - 1).put("content", REWRITTEN);
                yield new JsonObject().put("action", "modify").put("request", request);
            }
            case "rewrite-answer" -> {
                JsonObject response = document.getJsonObject("response");
                response.getJsonArray("choices").getJsonObject(0).getJsonObject("message").put("content", REWRITTEN);
                yield new JsonObject().put("action", "modify").put("response", response);
            }
            case "stall" -> null;
            default -> {
                ctx.response().setStatusCode(500).end("broken");
                yield null;
            }
        };
        if (answer != null) {
            ctx.response().putHeader("content-type", "application/json").end(answer.toBuffer());
        }
    }
}
