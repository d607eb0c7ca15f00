package dev.switchboard.gateway.dialect.anthropic;

import dev.switchboard.gateway.upstream.NamedUpstreamType;
import jakarta.inject.Singleton;

/** Provider type `Anthropic`, served by {@link AnthropicUpstream}. */
@Singleton
public class AnthropicType extends NamedUpstreamType {

    public AnthropicType() {
        super("Anthropic", AnthropicUpstream::new);
    }
}
