package dev.switchboard.gateway.dialect.anthropic;

import java.util.function.Predicate;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.switchboard.gateway.access.Settlement;
import dev.switchboard.gateway.capability.RequestFeatures;
import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.dialect.Untranslatable;
import dev.switchboard.gateway.front.Inbound;
import dev.switchboard.gateway.front.InboundApi;
import dev.switchboard.gateway.front.PreparedRequest;
import dev.switchboard.gateway.front.Refused;
import dev.switchboard.gateway.json.RequestTrees;
import dev.switchboard.gateway.resilience.AttemptRequest;
import dev.switchboard.gateway.resilience.ClientReply;
import dev.switchboard.gateway.telemetry.GatewayMetrics;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.routing.ModelRoute.Target;
import dev.switchboard.routing.UpstreamProvider;
import io.vertx.core.json.DecodeException;
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
    Settlement settlement;
    @Inject
    GatewayMetrics metrics;

    /** How long a stream whose client left after the last content is read on for the upstream's usage. */
    @ConfigProperty(name = "switchboard.metering.usage-drain-ms", defaultValue = "2000")
    long usageDrainMs;

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
        JsonObject chat = null;
        if (hasTarget(request, provider -> !isAnthropic(provider))) {
            try {
                chat = MessagesToChat.translate(RequestTrees.parse(request.raw()));
            } catch (Untranslatable e) {
                if (!hasTarget(request, MessagesApi::isAnthropic)) {
                    throw new Refused(ApiError.invalidRequest(e.getMessage(), null));
                }
                // Only Anthropic targets can take it, untranslated; the others are skipped.
            } catch (RequestTrees.TooComplex e) {
                throw new Refused(ApiError.tooComplex(e.getMessage()));
            } catch (DecodeException e) {
                throw new Refused(ApiError.invalidRequest("The request body is not a valid JSON object.", null));
            }
        }
        // Checked on the request as the client wrote it, so a request only Anthropic targets can take is checked too.
        RequestFeatures features = RequestFeatures.ofMessages(request.stream(), request.raw());
        JsonObject translated = chat;
        return new PreparedRequest() {
            @Override
            public RequestFeatures features() {
                return features;
            }

            /** Each attempt gets its target's model name: spliced into the client's bytes, or set on the translation. */
            @Override
            public AttemptRequest forAttempt(UpstreamProvider provider, Target target) {
                if (isAnthropic(provider)) {
                    return new AttemptRequest(Operation.MESSAGES, request.forwardingClientHeaders(provider),
                            request.body().toBufferWithModel(target.model()));
                }
                return translated == null ? null : new AttemptRequest(Operation.CHAT, provider, translated.put("model", target.model()).toBuffer());
            }

            @Override
            public ClientReply reply() {
                return new AnthropicReply(request.ctx(), request.record(), settlement, metrics, request.model(), usageDrainMs);
            }
        };
    }

    static boolean isAnthropic(UpstreamProvider provider) {
        return "Anthropic".equals(provider.type());
    }

    /** Whether the model or one of the fallbacks the request may reach has a target whose provider matches. */
    static boolean hasTarget(Inbound request, Predicate<UpstreamProvider> kind) {
        return request.chain().routes().stream().flatMap(candidate -> candidate.targets().stream())
                .map(target -> request.table().table().provider(target.provider()))
                .anyMatch(provider -> provider != null && kind.test(provider));
    }
}
