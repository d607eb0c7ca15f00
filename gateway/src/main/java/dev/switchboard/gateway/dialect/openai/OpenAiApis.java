package dev.switchboard.gateway.dialect.openai;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.switchboard.gateway.access.Settlement;
import dev.switchboard.gateway.front.InboundApi;
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
    Settlement settlement;

    /** How long a stream whose client left after the finish reason is read on for the upstream's usage. */
    @ConfigProperty(name = "switchboard.metering.usage-drain-ms", defaultValue = "2000")
    long usageDrainMs;

    private InboundApi chat;
    private InboundApi completions;
    private InboundApi embeddings;

    @PostConstruct
    void create() {
        chat = new OpenAiApi(Operation.CHAT, upstreams, settlement, usageDrainMs);
        completions = new OpenAiApi(Operation.COMPLETIONS, upstreams, settlement, usageDrainMs);
        embeddings = new OpenAiApi(Operation.EMBEDDINGS, upstreams, settlement, usageDrainMs);
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
