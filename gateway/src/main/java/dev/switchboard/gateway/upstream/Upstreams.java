package dev.switchboard.gateway.upstream;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.switchboard.gateway.upstream.azure.AzureOpenAiUpstream;
import dev.switchboard.gateway.upstream.ollama.OllamaUpstream;
import dev.switchboard.gateway.upstream.gemini.GeminiUpstream;
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

/** The adapter for each provider type. Anthropic and Gemini adapters arrive with the provider-adapter work. */
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
    private OllamaUpstream ollama;
    private AzureOpenAiUpstream azure;
    private GeminiUpstream gemini;
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
        ollama = new OllamaUpstream(vertx, client);
        azure = new AzureOpenAiUpstream(vertx, client);
        gemini = new GeminiUpstream(vertx, client);
        anthropic = new AnthropicUpstream(vertx, client);
    }

    @PreDestroy
    void stop() {
        client.close();
    }

    /** The adapter for a provider type, or null when this build has none. */
    public Upstream forType(String type) {
        return switch (type) {
            case "OpenAI", "OpenAICompatible" -> openAi;
            case "Simulated" -> simulated;
            case "Ollama" -> ollama;
            case "AzureOpenAI" -> azure;
            case "Gemini" -> gemini;
            case "Anthropic" -> anthropic;
            default -> null;
        };
    }
}
