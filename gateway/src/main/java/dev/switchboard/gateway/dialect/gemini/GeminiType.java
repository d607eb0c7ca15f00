package dev.switchboard.gateway.dialect.gemini;

import java.util.List;

import dev.switchboard.gateway.upstream.UpstreamType;
import dev.switchboard.gateway.upstream.Upstream;
import dev.switchboard.gateway.upstream.UpstreamClients;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;

/** Provider type `Gemini`, served by {@link GeminiUpstream}. */
@Singleton
public class GeminiType implements UpstreamType {

    @Override
    public List<String> names() {
        return List.of("Gemini");
    }

    @Override
    public Upstream adapter(Vertx vertx, UpstreamClients clients) {
        return new GeminiUpstream(vertx, clients);
    }
}
