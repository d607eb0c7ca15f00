package dev.switchboard.gateway.dialect.ollama;

import dev.switchboard.gateway.upstream.NamedUpstreamType;
import jakarta.inject.Singleton;

/** Provider type `Ollama`, served by {@link OllamaUpstream}. */
@Singleton
public class OllamaType extends NamedUpstreamType {

    public OllamaType() {
        super("Ollama", OllamaUpstream::new);
    }
}
