package dev.switchboard.gateway.upstream.azure;

import dev.switchboard.gateway.upstream.NamedUpstreamType;
import jakarta.inject.Singleton;

/** Provider type `AzureOpenAI`: OpenAI's requests as the client wrote them, at Azure's addresses. */
@Singleton
public class AzureOpenAiType extends NamedUpstreamType {

    public AzureOpenAiType() {
        super("AzureOpenAI", AzureOpenAiUpstream::new);
    }

    @Override
    public boolean speaksOpenAi() {
        return true;
    }
}
