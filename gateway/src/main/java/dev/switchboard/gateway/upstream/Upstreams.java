package dev.switchboard.gateway.upstream;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.switchboard.gateway.upstream.anthropic.AnthropicUpstream;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/** The adapter for each provider type. AzureOpenAI, Anthropic and Gemini adapters arrive with the provider-adapter work. */
@Singleton
public class Upstreams {

    @Inject
    Vertx vertx;

    @ConfigProperty(name = "switchboard.upstream.max-connections-per-host", defaultValue = "256")
    int maxConnectionsPerHost;

    @ConfigProperty(name = "switchboard.upstream.keep-alive-timeout-seconds", defaultValue = "60")
    int keepAliveTimeoutSeconds;

    private HttpClient client;
    private OpenAiUpstream openAi;
    private SimulatedUpstream simulated;
    private AnthropicUpstream anthropic;

    @PostConstruct
    void start() {
        HttpClientOptions options = new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setKeepAlive(true)
                .setKeepAliveTimeout(keepAliveTimeoutSeconds)
                .setTcpNoDelay(true)
                .setTryUseCompression(false)
                .setVerifyHost(true);
        client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(maxConnectionsPerHost));
        openAi = new OpenAiUpstream(vertx, client);
        simulated = new SimulatedUpstream(vertx);
        anthropic = new AnthropicUpstream(vertx, client);
    }

    @PreDestroy
    void stop() {
        client.close();
    }

    /** The adapter for a provider type, or null when this build has none. */
    public Upstream forType(String type) {
        return switch (type) {
            case "OpenAI", "OpenAICompatible", "Ollama" -> openAi;
            case "Simulated" -> simulated;
            case "Anthropic" -> anthropic;
            default -> null;
        };
    }
}
