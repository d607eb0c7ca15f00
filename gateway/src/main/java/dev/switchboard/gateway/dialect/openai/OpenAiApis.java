package dev.switchboard.gateway.dialect.openai;

import dev.switchboard.gateway.front.InboundApi;
import dev.switchboard.gateway.resilience.ReplyMetering;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.gateway.upstream.Upstreams;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/** The three OpenAI endpoints the front serves as they came: chat completions, legacy completions and embeddings. */
@Singleton
public class OpenAiApis {

    @Inject
    Upstreams upstreams;
    @Inject
    ReplyMetering metering;

    private InboundApi chat;
    private InboundApi completions;
    private InboundApi embeddings;

    @PostConstruct
    void create() {
        chat = new OpenAiApi(Operation.CHAT, upstreams, metering);
        completions = new OpenAiApi(Operation.COMPLETIONS, upstreams, metering);
        embeddings = new OpenAiApi(Operation.EMBEDDINGS, upstreams, metering);
    }

    public InboundApi chat() {
        return chat;
    }

    public InboundApi completions() {
        return completions;
    }

    public InboundApi embeddings() {
        return embeddings;
    }
}
