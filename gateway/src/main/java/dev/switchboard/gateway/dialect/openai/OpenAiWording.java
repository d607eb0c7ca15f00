package dev.switchboard.gateway.dialect.openai;

import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.front.InboundApi;
import io.vertx.ext.web.RoutingContext;

/**
 * The front's refusals as OpenAI words them, in OpenAI's envelope: what every OpenAI client API (chat, completions,
 * embeddings, Responses) says alike.
 */
public abstract class OpenAiWording implements InboundApi {

    @Override
    public ApiError missingModel() {
        return ApiError.invalidRequest("You must provide a model parameter.", "model");
    }

    @Override
    public ApiError streamNotBoolean() {
        return ApiError.invalidRequest("stream must be a boolean.", "stream");
    }

    @Override
    public ApiError unknownModel(String model) {
        return ApiError.modelNotFound(model);
    }

    @Override
    public ApiError unreadable(String detail) {
        return ApiError.invalidRequest("We could not parse the JSON body of your request: " + detail, null);
    }

    @Override
    public void send(RoutingContext ctx, ApiError error) {
        error.send(ctx);
    }
}
