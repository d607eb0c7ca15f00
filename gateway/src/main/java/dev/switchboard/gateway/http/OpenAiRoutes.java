package dev.switchboard.gateway.http;

import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.upstream.Operation;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * Registers the OpenAI-compatible API on Quarkus' own Vert.x router, so requests are handled on the event loop
 * with no JAX-RS layer in between. Every miss answers in the OpenAI error envelope.
 */
@ApplicationScoped
public class OpenAiRoutes {

    @Inject
    InferenceHandler inference;
    @Inject
    ModelsHandler models;
    @Inject
    MessagesHandler messages;

    void register(@Observes Router router) {
        router.post("/v1/chat/completions").handler(ctx -> inference.handle(ctx, Operation.CHAT));
        router.post("/v1/completions").handler(ctx -> inference.handle(ctx, Operation.COMPLETIONS));
        router.post("/v1/embeddings").handler(ctx -> inference.handle(ctx, Operation.EMBEDDINGS));
        router.post("/v1/messages").handler(messages::handle);
        router.get("/v1/models").handler(models::list);
        // Model ids may contain slashes (e.g. meta-llama/Llama-3.1-8B), so the id is the whole rest of the path.
        router.getWithRegex("/v1/models/(?<id>.+)").handler(models::retrieve);

        router.route("/v1/chat/completions").handler(ctx -> methodNotAllowed(ctx, "POST"));
        router.route("/v1/completions").handler(ctx -> methodNotAllowed(ctx, "POST"));
        router.route("/v1/embeddings").handler(ctx -> methodNotAllowed(ctx, "POST"));
        router.route("/v1/messages").handler(messages::methodNotAllowed);
        router.route("/v1/models").handler(ctx -> methodNotAllowed(ctx, "GET"));
        router.routeWithRegex("/v1/models/.+").handler(ctx -> methodNotAllowed(ctx, "GET"));
        router.route("/v1/*").handler(OpenAiRoutes::notFound);
        // Anything no other route (ours or Quarkus' /q endpoints) claimed: answer like OpenAI does, in the envelope.
        router.route().last().handler(OpenAiRoutes::notFound);
    }

    private static void methodNotAllowed(RoutingContext ctx, String allowed) {
        RequestIds.assign(ctx);
        ctx.response().putHeader("allow", allowed);
        new ApiError(405, "invalid_request_error", "method_not_allowed", null,
                "Method " + ctx.request().method() + " is not allowed on " + ctx.request().path() + "; use " + allowed + ".").send(ctx);
    }

    private static void notFound(RoutingContext ctx) {
        RequestIds.assign(ctx);
        new ApiError(404, "invalid_request_error", "unknown_url", null,
                "Unknown request URL: " + ctx.request().method() + " " + ctx.request().path() + ".").send(ctx);
    }
}
