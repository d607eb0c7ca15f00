package dev.switchboard.gateway.dialect.anthropic;

import dev.switchboard.gateway.access.TokenEstimate;
import dev.switchboard.gateway.capability.RequestFeatures;
import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.front.Inbound;
import dev.switchboard.gateway.front.InboundApi;
import dev.switchboard.gateway.front.PreparedRequest;
import dev.switchboard.gateway.front.Refused;
import dev.switchboard.gateway.json.RequestTrees;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.gateway.resilience.AttemptRequest;
import dev.switchboard.gateway.resilience.ClientReply;
import dev.switchboard.gateway.resilience.ReplyMetering;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.routing.ModelRoute.Target;
import dev.switchboard.routing.UpstreamProvider;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * POST /v1/messages/count_tokens, Anthropic's token counting, with the wording and envelope of /v1/messages. When the
 * model or a fallback it may reach has an Anthropic target, the request goes through the attempt pipeline to the
 * Anthropic targets only (untranslated, model rewritten; failover over their targets and keys); the others cannot
 * count Claude's tokens and are skipped. Otherwise the gateway answers itself with its own estimate (a quarter of the
 * request's bytes, as {@link TokenEstimate} reckons a prompt), marked by {@link #ESTIMATE_HEADER}. Counting spends no
 * tokens: nothing is reserved against token limits or budgets and nothing is charged; request limits apply.
 */
@Singleton
public class CountTokensApi implements InboundApi {

    /** Set on an answer the gateway estimated itself: {@code x-switchboard-token-count: estimate}. */
    public static final String ESTIMATE_HEADER = "x-switchboard-token-count";

    @Inject
    MessagesApi messages;
    @Inject
    ReplyMetering metering;

    @Override
    public String endpoint() {
        return "count_tokens";
    }

    @Override
    public boolean canStream() {
        return false;
    }

    @Override
    public boolean spendsTokens() {
        return false;
    }

    @Override
    public ApiError missingModel() {
        return messages.missingModel();
    }

    @Override
    public ApiError streamNotBoolean() {
        return messages.streamNotBoolean();
    }

    @Override
    public ApiError unknownModel(String model) {
        return messages.unknownModel(model);
    }

    @Override
    public ApiError unreadable(String detail) {
        return messages.unreadable(detail);
    }

    @Override
    public void send(RoutingContext ctx, ApiError error) {
        messages.send(ctx, error);
    }

    @Override
    public PreparedRequest prepare(Inbound request) throws Refused {
        boolean anthropic = request.reaches(MessagesApi::isAnthropic);
        if (!anthropic) {
            checkEstimable(request);
        }
        return new PreparedRequest() {
            @Override
            public RequestFeatures features() {
                // Counting uses none of the features a target may lack: every Anthropic target can count any request.
                return null;
            }

            @Override
            public AttemptRequest forAttempt(UpstreamProvider provider, Target target) {
                return MessagesApi.isAnthropic(provider) ? new AttemptRequest(Operation.COUNT_TOKENS,
                        request.forwardingClientHeaders(provider), request.body().toBufferWithModel(target.model())) : null;
            }

            @Override
            public ClientReply reply() {
                return new AnthropicReply(request.ctx(), request.record(), metering, request.model());
            }

            @Override
            public Runnable local() {
                return anthropic ? null : () -> estimate(request);
            }
        };
    }

    /** What Anthropic requires of a count, checked before the gateway answers for it. */
    private static void checkEstimable(Inbound request) throws Refused {
        JsonObject body;
        try {
            body = RequestTrees.parse(request.raw());
        } catch (RequestTrees.TooComplex e) {
            throw new Refused(ApiError.tooComplex(e.getMessage()));
        } catch (DecodeException | ClassCastException e) {
            throw new Refused(ApiError.invalidRequest("The request body is not a valid JSON object.", null));
        }
        if (!(body.getValue("messages") instanceof JsonArray)) {
            throw new Refused(ApiError.invalidRequest("messages: Field required", "messages"));
        }
    }

    private void estimate(Inbound request) {
        RequestRecord record = request.record();
        record.markFirstByte();
        record.ended(200);
        request.ctx().response().putHeader(ESTIMATE_HEADER, "estimate").putHeader("content-type", "application/json")
                .end(new JsonObject().put("input_tokens", TokenEstimate.prompt(request.raw().length())).toBuffer());
        metering.settlement().close(record);
    }
}
