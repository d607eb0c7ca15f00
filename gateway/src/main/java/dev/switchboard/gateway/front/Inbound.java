package dev.switchboard.gateway.front;

import java.util.List;
import java.util.function.Predicate;

import dev.switchboard.gateway.access.ClientKeys.Caller;
import dev.switchboard.gateway.access.Settlement;
import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.json.JsonFields;
import dev.switchboard.gateway.policy.PolicyReply;
import dev.switchboard.gateway.policy.RequestPolicy;
import dev.switchboard.gateway.policy.hooks.HookChain;
import dev.switchboard.gateway.resilience.ClientReply;
import dev.switchboard.gateway.resilience.FallbackChain;
import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.gateway.record.RequestRecord;
import dev.switchboard.routing.ModelRoute;
import dev.switchboard.routing.UpstreamProvider;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * One inference request on its way through the {@link Front}: the typed context its steps share. Each part is filled
 * in by one step (the fields are the front package's to write) and read by the later steps and the client API.
 */
public final class Inbound {

    private final RoutingContext ctx;
    private final InboundApi api;
    private final ActiveTable table;
    private final RequestRecord record;
    private final Settlement settlement;
    /** Set by {@link Authenticate}. */
    Caller caller;
    /** Set by {@link ReadBody}. */
    Buffer raw;
    /** Set by {@link ResolveRoute}: the scanned body, the model as asked, its route, the fallbacks it may reach. */
    JsonFields body;
    String model;
    ModelRoute route;
    FallbackChain chain;
    boolean stream;
    long estimatedTokens;
    /** Set by {@link Prepare}. */
    PreparedRequest prepared;
    /** Set by {@link PreCallHooks}: the request's hooks and cache rule, and the chain its hooks run in. */
    RequestPolicy policy = RequestPolicy.NONE;
    HookChain hooks;
    /** Set by {@link CacheLookup} when the answer is to be stored. */
    PolicyReply.Storing storing;

    Inbound(RoutingContext ctx, InboundApi api, ActiveTable table, RequestRecord record, Settlement settlement) {
        this.ctx = ctx;
        this.api = api;
        this.table = table;
        this.record = record;
        this.settlement = settlement;
    }

    /** Ends the request with {@code error} in its API's envelope and closes its books. */
    public void refuse(ApiError error) {
        record.ended(error.status());
        record.failedUnlessExplained(error.reason());
        api.send(ctx, error);
        settlement.close(record);
    }

    /**
     * The provider as an attempt that carries the client's request untranslated calls it: with the client headers the
     * policy forwards ({@code access.forwardHeaders}). Translated attempts get the provider as configured.
     */
    public UpstreamProvider forwardingClientHeaders(UpstreamProvider provider) {
        List<String> allowed = table.table().access() == null ? List.of() : table.table().access().forwardHeaders();
        return ForwardedHeaders.apply(provider, allowed, ctx.request().headers());
    }

    /** Whether the model, or a fallback the request may reach, has a target whose provider matches. */
    public boolean reaches(Predicate<UpstreamProvider> kind) {
        return chain.routes().stream().flatMap(candidate -> candidate.targets().stream())
                .map(target -> table.table().provider(target.provider()))
                .anyMatch(provider -> provider != null && kind.test(provider));
    }

    public RoutingContext ctx() {
        return ctx;
    }

    public InboundApi api() {
        return api;
    }

    public ActiveTable table() {
        return table;
    }

    public RequestRecord record() {
        return record;
    }

    public Caller caller() {
        return caller;
    }

    /** The body as the client sent it. */
    public Buffer raw() {
        return raw;
    }

    public JsonFields body() {
        return body;
    }

    /** The model as the client asked for it (an alias or a name a pattern route matched): what its answer shows. */
    public String model() {
        return model;
    }

    public ModelRoute route() {
        return route;
    }

    public FallbackChain chain() {
        return chain;
    }

    /**
     * The writer of the answer: the client API's, inside the request policies' post-call side when PostCall hooks are to
     * see the answer or the cache is to keep it.
     */
    ClientReply reply() {
        ClientReply reply = prepared.reply();
        if (policy.postCall().isEmpty() && storing == null) {
            return reply;
        }
        return new PolicyReply(reply, record, policy.postCall(), hooks, storing);
    }

    /** Whether the client asked for a stream on an API that streams. */
    public boolean stream() {
        return stream;
    }
}
