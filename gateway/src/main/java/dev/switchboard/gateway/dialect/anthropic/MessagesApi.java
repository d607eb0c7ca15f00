package dev.switchboard.gateway.dialect.anthropic;

import dev.switchboard.gateway.capability.RequestFeatures;
import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.front.ChatTranslation;
import dev.switchboard.gateway.front.Inbound;
import dev.switchboard.gateway.front.InboundApi;
import dev.switchboard.gateway.front.PreparedRequest;
import dev.switchboard.gateway.front.Refused;
import dev.switchboard.gateway.resilience.ReplyMetering;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.routing.UpstreamProvider;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * POST /v1/messages, Anthropic's Messages API, with Anthropic's errors. Per attempt, an Anthropic target gets the
 * request untranslated (model rewritten, with the client headers the policy forwards) and any other target the OpenAI
 * chat request it was translated to, once; {@link AnthropicReply} writes the answer accordingly.
 */
@Singleton
public class MessagesApi implements InboundApi {

    @Inject
    ReplyMetering metering;

    @Override
    public String endpoint() {
        return "messages";
    }

    @Override
    public boolean canStream() {
        return true;
    }

    @Override
    public ApiError missingModel() {
        return ApiError.invalidRequest("model: Field required", "model");
    }

    @Override
    public ApiError streamNotBoolean() {
        return ApiError.invalidRequest("stream: Input should be a valid boolean", "stream");
    }

    @Override
    public ApiError unknownModel(String model) {
        return new ApiError(404, "not_found_error", "model_not_found", "model", "model: " + model);
    }

    @Override
    public ApiError unreadable(String detail) {
        return ApiError.invalidRequest("The request body is not a valid JSON object: " + detail, null);
    }

    /** In Anthropic's envelope, its type taken from the status as Anthropic's API does. */
    @Override
    public void send(RoutingContext ctx, ApiError error) {
        AnthropicError rendered = "invalid_api_key".equals(error.code()) ? AnthropicError.authentication()
                : new AnthropicError(error.status(), AnthropicError.typeOf(error.status()), error.message());
        rendered.send(ctx);
    }

    @Override
    public PreparedRequest prepare(Inbound request) throws Refused {
        JsonObject chat = ChatTranslation.translate(request, MessagesApi::isAnthropic, MessagesToChat::translate);
        // Checked on the request as the client wrote it, so a request only Anthropic targets can take is checked too.
        return new ChatTranslation(request, MessagesApi::isAnthropic, Operation.MESSAGES, chat,
                RequestFeatures.ofMessages(request.stream(), request.raw()),
                () -> new AnthropicReply(request.ctx(), request.record(), metering, request.model()));
    }

    static boolean isAnthropic(UpstreamProvider provider) {
        return "Anthropic".equals(provider.type());
    }
}
