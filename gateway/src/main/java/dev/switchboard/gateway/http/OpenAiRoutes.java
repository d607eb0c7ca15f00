package dev.switchboard.gateway.http;

import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.dialect.anthropic.CountTokensApi;
import dev.switchboard.gateway.dialect.anthropic.MessagesApi;
import dev.switchboard.gateway.dialect.openai.OpenAiApis;
import dev.switchboard.gateway.front.Front;
import dev.switchboard.gateway.front.InboundApi;
import dev.switchboard.gateway.front.RequestIds;
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
    Front front;
    @Inject
    OpenAiApis openAi;
    @Inject
    MessagesApi messages;
    @Inject
    CountTokensApi countTokens;
    @Inject
    ModelsHandler models;

    void register(@Observes Router router) {
        router.post("/v1/chat/completions").handler(ctx -> front.serve(ctx, openAi.chat()));
        router.post("/v1/completions").handler(ctx -> front.serve(ctx, openAi.completions()));
        router.post("/v1/embeddings").handler(ctx -> front.serve(ctx, openAi.embeddings()));
        router.post("/v1/messages").handler(ctx -> front.serve(ctx, messages));
        router.post("/v1/messages/count_tokens").handler(ctx -> front.serve(ctx, countTokens));
        router.get("/v1/models").handler(models::list);
        // Model ids may contain slashes (e.g. meta-llama/Llama-3.1-8B), so the id is the whole rest of the path.
        router.getWithRegex("/v1/models/(?<id>.+)").handler(models::retrieve);

        router.route("/v1/chat/completions").handler(ctx -> methodNotAllowed(ctx, openAi.chat()));
        router.route("/v1/completions").handler(ctx -> methodNotAllowed(ctx, openAi.completions()));
        router.route("/v1/embeddings").handler(ctx -> methodNotAllowed(ctx, openAi.embeddings()));
        router.route("/v1/messages").handler(ctx -> methodNotAllowed(ctx, messages));
        router.route("/v1/messages/count_tokens").handler(ctx -> methodNotAllowed(ctx, countTokens));
        router.route("/v1/models").handler(ctx -> methodNotAllowed(ctx, "GET"));
        router.routeWithRegex("/v1/models/.+").handler(ctx -> methodNotAllowed(ctx, "GET"));
        router.route("/v1/*").handler(OpenAiRoutes::notFound);
        // Anything no other route (ours or Quarkus' /q endpoints) claimed: answer like OpenAI does, in the envelope.
        router.route().last().handler(OpenAiRoutes::notFound);
    }

    private static void methodNotAllowed(RoutingContext ctx, String allowed) {
        RequestIds.assign(ctx);
        ctx.response().putHeader("allow", allowed);
        wrongMethod(ctx, allowed).send(ctx);
    }

    /** An inference endpoint's answer to any method but POST, in its API's envelope. */
    private static void methodNotAllowed(RoutingContext ctx, InboundApi api) {
        RequestIds.assign(ctx);
        ctx.response().putHeader("allow", "POST");
        api.send(ctx, wrongMethod(ctx, "POST"));
    }

    private static ApiError wrongMethod(RoutingContext ctx, String allowed) {
        return new ApiError(405, "invalid_request_error", "method_not_allowed", null,
                "Method " + ctx.request().method() + " is not allowed on " + ctx.request().path() + "; use " + allowed + ".");
    }

    private static void notFound(RoutingContext ctx) {
        RequestIds.assign(ctx);
        new ApiError(404, "invalid_request_error", "unknown_url", null,
                "Unknown request URL: " + ctx.request().method() + " " + ctx.request().path() + ".").send(ctx);
    }
}
