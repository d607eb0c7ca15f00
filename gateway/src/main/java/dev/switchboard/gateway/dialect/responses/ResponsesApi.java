package dev.switchboard.gateway.dialect.responses;

import org.eclipse.microprofile.config.inject.ConfigProperty;

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
import dev.switchboard.gateway.telemetry.Telemetry;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.routing.ModelRoute.Target;
import dev.switchboard.routing.UpstreamProvider;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * POST /v1/responses, OpenAI's Responses API, with OpenAI's errors. Per attempt, an OpenAI or Azure OpenAI target
 * gets the request untranslated (model rewritten, with the client headers the policy forwards) and any other target
 * the chat request it was translated to, once; {@link ResponsesReply} writes the answer accordingly.
 * <p>
 * The gateway keeps no responses: what needs OpenAI's stored state ({@code previous_response_id},
 * {@code conversation}, item references) cannot be translated, so like anything else chat cannot carry it is served by
 * the untranslated targets only, and refused with a 400 naming the field when the model and its fallbacks have none.
 */
@Singleton
public class ResponsesApi implements InboundApi {

    @Inject
    Telemetry telemetry;
    @Inject
    GatewayMetrics metrics;

    /** How long a stream whose client left after the last content is read on for the upstream's usage. */
    @ConfigProperty(name = "switchboard.metering.usage-drain-ms", defaultValue = "2000")
    long usageDrainMs;

    @Override
    public String endpoint() {
        return "responses";
    }

    @Override
    public boolean canStream() {
        return true;
    }

    @Override
    public ApiError missingModel() {
        return ApiError.invalidRequest("Missing required parameter: 'model'.", "model");
    }

    @Override
    public ApiError streamNotBoolean() {
        return ApiError.invalidRequest("Invalid type for 'stream': expected a boolean.", "stream");
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

    @Override
    public PreparedRequest prepare(Inbound request) throws Refused {
        JsonObject chat = null;
        ResponseShell shell = null;
        if (request.reaches(provider -> !takesResponses(provider))) {
            try {
                JsonObject tree = RequestTrees.parse(request.raw());
                chat = ResponsesToChat.translate(tree);
                shell = new ResponseShell(tree, ResponseShell.idFor(request.record().requestId), request.model(),
                        System.currentTimeMillis() / 1000);
            } catch (Untranslatable e) {
                if (!request.reaches(ResponsesApi::takesResponses)) {
                    throw new Refused(e.error());
                }
                // Only OpenAI and Azure OpenAI targets can take it, untranslated; the others are skipped.
            } catch (RequestTrees.TooComplex e) {
                throw new Refused(ApiError.tooComplex(e.getMessage()));
            } catch (DecodeException | ClassCastException e) {
                throw new Refused(ApiError.invalidRequest("The request body is not a valid JSON object.", null));
            }
        }
        // Checked on the request as the client wrote it, so a request only passthrough targets take is checked too.
        RequestFeatures features = RequestFeatures.ofResponses(request.stream(), request.raw());
        JsonObject translated = chat;
        ResponseShell translatedShell = shell;
        return new PreparedRequest() {
            @Override
            public RequestFeatures features() {
                return features;
            }

            @Override
            public AttemptRequest forAttempt(UpstreamProvider provider, Target target) {
                if (takesResponses(provider)) {
                    return new AttemptRequest(Operation.RESPONSES, request.forwardingClientHeaders(provider),
                            request.body().toBufferWithModel(target.model()));
                }
                return translated == null ? null : new AttemptRequest(Operation.CHAT, provider, translated.put("model", target.model()).toBuffer());
            }

            @Override
            public ClientReply reply() {
                return new ResponsesReply(request.ctx(), request.record(), telemetry, metrics, request.model(), translatedShell, usageDrainMs);
            }
        };
    }

    /** OpenAI and Azure OpenAI serve the Responses API themselves; OpenAI-compatible servers are not known to. */
    static boolean takesResponses(UpstreamProvider provider) {
        return "OpenAI".equals(provider.type()) || "AzureOpenAI".equals(provider.type());
    }
}
