package dev.switchboard.gateway.dialect.responses;

import dev.switchboard.gateway.capability.RequestFeatures;
import dev.switchboard.gateway.dialect.openai.OpenAiWording;
import dev.switchboard.gateway.front.ChatTranslation;
import dev.switchboard.gateway.front.Inbound;
import dev.switchboard.gateway.front.PreparedRequest;
import dev.switchboard.gateway.front.Refused;
import dev.switchboard.gateway.resilience.ReplyMetering;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.routing.UpstreamProvider;
import io.vertx.core.json.JsonObject;
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
public class ResponsesApi extends OpenAiWording {

    @Inject
    ReplyMetering metering;

    @Override
    public String endpoint() {
        return "responses";
    }

    @Override
    public boolean canStream() {
        return true;
    }

    @Override
    public PreparedRequest prepare(Inbound request) throws Refused {
        // The response a translated answer fills in echoes the request's settings: made from the same parsed tree, only
        // when a translation is (no translated target can answer otherwise).
        ResponseShell[] shell = new ResponseShell[1];
        JsonObject chat = ChatTranslation.translate(request, ResponsesApi::takesResponses, tree -> {
            JsonObject translated = ResponsesToChat.translate(tree);
            shell[0] = new ResponseShell(tree, ResponseShell.idFor(request.record().requestId()), request.model(), System.currentTimeMillis() / 1000);
            return translated;
        });
        // Checked on the request as the client wrote it, so a request only passthrough targets take is checked too.
        return new ChatTranslation(request, ResponsesApi::takesResponses, Operation.RESPONSES, chat,
                RequestFeatures.ofResponses(request.stream(), request.raw()),
                () -> new ResponsesReply(request.ctx(), request.record(), metering, request.model(), shell[0]));
    }

    /** OpenAI and Azure OpenAI serve the Responses API themselves; OpenAI-compatible servers are not known to. */
    static boolean takesResponses(UpstreamProvider provider) {
        return "OpenAI".equals(provider.type()) || "AzureOpenAI".equals(provider.type());
    }
}
