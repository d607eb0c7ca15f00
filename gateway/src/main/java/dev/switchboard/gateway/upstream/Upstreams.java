package dev.switchboard.gateway.upstream;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.All;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import jakarta.inject.Inject;

/**
 * The adapter for each provider type: OpenAI, OpenAI-compatible and the simulated one built in, the others declared by
 * their dialect's {@link UpstreamType}. The HTTP ones share the per-event-loop clients.
 */
@Singleton
public class Upstreams {

    @Inject
    Vertx vertx;

    @Inject
    MeterRegistry registry;

    @Inject
    @All
    List<UpstreamType> types;

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
    private final Map<String, Upstream> byType = new HashMap<>();
    private final Set<String> openAiSpeaking = new HashSet<>(List.of("OpenAI", "OpenAICompatible"));

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
        OpenAiUpstream openAi = new OpenAiUpstream(vertx, clients);
        byType.put("OpenAI", openAi);
        byType.put("OpenAICompatible", openAi);
        byType.put("Simulated", new SimulatedUpstream(vertx));
        for (UpstreamType type : types) {
            Upstream adapter = type.adapter(vertx, clients);
            for (String name : type.names()) {
                byType.put(name, adapter);
                if (type.speaksOpenAi()) {
                    openAiSpeaking.add(name);
                }
            }
        }
    }

    @PreDestroy
    void stop() {
        clients.close();
    }

    /**
     * Whether providers of the type receive an OpenAI request as the client wrote it (only `model` rewritten), rather
     * than a translation into their own API.
     */
    public boolean speaksOpenAi(String type) {
        return openAiSpeaking.contains(type);
    }

    /** The adapter for a provider type, or null when this build has none. */
    public Upstream forType(String type) {
        return byType.get(type);
    }
}
