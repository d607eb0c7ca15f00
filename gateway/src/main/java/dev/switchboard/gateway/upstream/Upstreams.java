package dev.switchboard.gateway.upstream;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.switchboard.gateway.upstream.azure.AzureOpenAiUpstream;
import dev.switchboard.gateway.upstream.ollama.OllamaUpstream;
import dev.switchboard.gateway.upstream.gemini.GeminiUpstream;
import dev.switchboard.gateway.upstream.anthropic.AnthropicUpstream;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/** The adapter for each provider type; the HTTP ones share the per-event-loop clients. */
@Singleton
public class Upstreams {

    @Inject
    Vertx vertx;

    @Inject
    MeterRegistry registry;

    /**
     * Per replica, shared out over the event loops. An HTTP/1.1 stream holds its connection to the end, so this is
     * the number of concurrent calls to one host before calls queue (bounded by their first-byte timeout); the
     * default leaves room for 5,000 concurrent streams per replica with event loops unevenly loaded.
     */
    @ConfigProperty(name = "switchboard.upstream.max-connections-per-host", defaultValue = "10000")
    int maxConnectionsPerHost;

    @ConfigProperty(name = "switchboard.upstream.keep-alive-timeout-seconds", defaultValue = "60")
    int keepAliveTimeoutSeconds;

    private UpstreamClients clients;
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
        clients = new UpstreamClients(vertx, options, maxConnectionsPerHost, new PoolWaits(registry));
        openAi = new OpenAiUpstream(vertx, clients);
        simulated = new SimulatedUpstream(vertx);
        ollama = new OllamaUpstream(vertx, clients);
        azure = new AzureOpenAiUpstream(vertx, clients);
        gemini = new GeminiUpstream(vertx, clients);
        anthropic = new AnthropicUpstream(vertx, clients);
    }

    @PreDestroy
    void stop() {
        clients.close();
    }

    /**
     * Whether providers of the type receive an OpenAI request as the client wrote it (only `model` rewritten), rather
     * than a translation into their own API.
     */
    public static boolean speaksOpenAi(String type) {
        return switch (type) {
            case "OpenAI", "OpenAICompatible", "AzureOpenAI" -> true;
            default -> false;
        };
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
