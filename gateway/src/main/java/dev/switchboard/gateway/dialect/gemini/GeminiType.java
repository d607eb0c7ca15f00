package dev.switchboard.gateway.dialect.gemini;

import dev.switchboard.gateway.upstream.NamedUpstreamType;
import jakarta.inject.Singleton;

/** Provider type `Gemini`, served by {@link GeminiUpstream}. */
@Singleton
public class GeminiType extends NamedUpstreamType {

    public GeminiType() {
        super("Gemini", GeminiUpstream::new);
    }
}
