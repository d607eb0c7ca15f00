package dev.switchboard.gateway.dialect.anthropic;

import java.util.List;

import dev.switchboard.gateway.upstream.UpstreamType;
import dev.switchboard.gateway.upstream.Upstream;
import dev.switchboard.gateway.upstream.UpstreamClients;
import io.vertx.core.Vertx;
import jakarta.inject.Singleton;

/** Provider type `Anthropic`, served by {@link AnthropicUpstream}. */
@Singleton
public class AnthropicType implements UpstreamType {

    @Override
    public List<String> names() {
        return List.of("Anthropic");
    }

    @Override
    public Upstream adapter(Vertx vertx, UpstreamClients clients) {
        return new AnthropicUpstream(vertx, clients);
    }
}
