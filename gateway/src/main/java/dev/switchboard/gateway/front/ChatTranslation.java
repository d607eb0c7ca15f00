package dev.switchboard.gateway.front;

import java.util.function.Predicate;
import java.util.function.Supplier;

import dev.switchboard.gateway.capability.RequestFeatures;
import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.dialect.Untranslatable;
import dev.switchboard.gateway.json.RequestTrees;
import dev.switchboard.gateway.resilience.AttemptRequest;
import dev.switchboard.gateway.resilience.ClientReply;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.routing.ModelRoute.Target;
import dev.switchboard.routing.UpstreamProvider;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * How a client API other than OpenAI chat (Anthropic Messages, OpenAI Responses) prepares a request: providers that
 * speak the API themselves take the client's request untranslated (model spliced in, with the client headers the
 * policy forwards), every other target the OpenAI chat request it translates to, made once. A request that cannot
 * be translated is served by the untranslated targets alone, and refused with the translation's 400 when the model
 * and its fallbacks have none.
 */
public final class ChatTranslation implements PreparedRequest {

    /** The client API's request → OpenAI chat. */
    @FunctionalInterface
    public interface Translator {
        JsonObject translate(JsonObject request) throws Untranslatable;
    }

    private final Inbound request;
    private final Predicate<UpstreamProvider> speaksIt;
    private final Operation operation;
    private final JsonObject chat;
    private final RequestFeatures features;
    private final Supplier<ClientReply> reply;

    /**
     * @param speaksIt  the providers that take the client's request untranslated, with {@code operation}
     * @param chat      the translation (see {@link #translate}), null when no target needs one or it could not be made
     * @param features  what the request uses, as the client wrote it
     */
    public ChatTranslation(Inbound request, Predicate<UpstreamProvider> speaksIt, Operation operation, JsonObject chat,
            RequestFeatures features, Supplier<ClientReply> reply) {
        this.request = request;
        this.speaksIt = speaksIt;
        this.operation = operation;
        this.chat = chat;
        this.features = features;
        this.reply = reply;
    }

    /**
     * The chat translation when a target the request may reach needs one; null when none does, or when it cannot be
     * translated but a target takes it untranslated.
     */
    public static JsonObject translate(Inbound request, Predicate<UpstreamProvider> speaksIt, Translator translator) throws Refused {
        if (!request.reaches(speaksIt.negate())) {
            return null;
        }
        try {
            return translator.translate(RequestTrees.parse(request.raw()));
        } catch (Untranslatable e) {
            if (!request.reaches(speaksIt)) {
                throw new Refused(e.error());
            }
            // Only the targets that speak the API can take it, untranslated; the others are skipped.
            return null;
        } catch (RequestTrees.TooComplex e) {
            throw new Refused(ApiError.tooComplex(e.getMessage()));
        } catch (DecodeException | ClassCastException e) {
            throw new Refused(ApiError.invalidRequest("The request body is not a valid JSON object.", null));
        }
    }

    @Override
    public RequestFeatures features() {
        return features;
    }

    /** Each attempt gets its target's model name: spliced into the client's bytes, or set on the translation. */
    @Override
    public AttemptRequest forAttempt(UpstreamProvider provider, Target target) {
        if (speaksIt.test(provider)) {
            return new AttemptRequest(operation, request.forwardingClientHeaders(provider), request.body().toBufferWithModel(target.model()));
        }
        return chat == null ? null : new AttemptRequest(Operation.CHAT, provider, chat.put("model", target.model()).toBuffer());
    }

    @Override
    public ClientReply reply() {
        return reply.get();
    }
}
