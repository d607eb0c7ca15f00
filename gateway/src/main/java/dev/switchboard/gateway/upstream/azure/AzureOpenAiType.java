package dev.switchboard.gateway.upstream.azure;

import java.util.List;

import dev.switchboard.gateway.upstream.UpstreamType;
import dev.switchboard.gateway.upstream.Upstream;
import dev.switchboard.gateway.upstream.UpstreamClients;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;

/** Provider type `AzureOpenAI`: OpenAI's requests as the client wrote them, at Azure's addresses. */
@Singleton
public class AzureOpenAiType implements UpstreamType {

    @Override
    public List<String> names() {
        return List.of("AzureOpenAI");
    }

    @Override
    public boolean speaksOpenAi() {
        return true;
    }

    @Override
    public Upstream adapter(Vertx vertx, UpstreamClients clients) {
        return new AzureOpenAiUpstream(vertx, clients);
    }
}
