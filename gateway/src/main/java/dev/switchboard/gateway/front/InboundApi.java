package dev.switchboard.gateway.front;

import dev.switchboard.gateway.dialect.ApiError;
import io.vertx.ext.web.RoutingContext;

/**
 * One client API the gateway serves (OpenAI chat completions, Anthropic Messages...), as the {@link Front} sees it:
 * how it words and renders the front's refusals, and how it reads a request it routed. Implemented once per client
 * dialect, in the dialect's package; everything else an inference request goes through is the front's.
 */
public interface InboundApi {

    /** The endpoint's name in the access log, metrics and traces. */
    String endpoint();

    /** Whether the API streams when the request says {@code "stream": true}. */
    boolean canStream();

    /**
     * Whether a request spends tokens. One that does not (counting them) reserves none against the caller's and the
     * providers' token limits and budgets; its request limits still apply.
     */
    default boolean spendsTokens() {
        return true;
    }

    /** The request names no model. */
    ApiError missingModel();

    /** {@code stream} is there but not a boolean. */
    ApiError streamNotBoolean();

    /** The model is not in the table. */
    ApiError unknownModel(String model);

    /** The body is not a JSON object; {@code detail} says where it broke. */
    ApiError unreadable(String detail);

    /** Ends the exchange with {@code error}, rendered in this API's envelope. */
    void send(RoutingContext ctx, ApiError error);

    /**
     * This API's one-time reading of a routed request (translations included), before capabilities are checked and
     * access is admitted. Throws {@link Refused} for a request it cannot serve at all.
     */
    PreparedRequest prepare(Inbound request) throws Refused;
}
