package dev.switchboard.gateway.dialect.ollama;

import java.util.List;

import dev.switchboard.gateway.upstream.UpstreamType;
import dev.switchboard.gateway.upstream.Upstream;
import dev.switchboard.gateway.upstream.UpstreamClients;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;

/** Provider type `Ollama`, served by {@link OllamaUpstream}. */
@Singleton
public class OllamaType implements UpstreamType {

    @Override
    public List<String> names() {
        return List.of("Ollama");
    }

    @Override
    public Upstream adapter(Vertx vertx, UpstreamClients clients) {
        return new OllamaUpstream(vertx, clients);
    }
}
