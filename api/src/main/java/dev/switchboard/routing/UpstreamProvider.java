package dev.switchboard.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A resolved Provider: everything the gateway needs to call one upstream account. */
public record UpstreamProvider(
        String name,
        String type,
        String endpoint,
        String apiVersion,
        Map<String, String> headers,
        Timeouts timeouts,
        Limits limits,
        List<Price> pricing,
        List<SecretFile> credentials,
        Simulation simulation) {

    public static final List<String> TYPES = List.of("OpenAI", "AzureOpenAI", "Anthropic", "Gemini", "Ollama", "OpenAICompatible", "Simulated");

    public UpstreamProvider {
        headers = headers == null ? Map.of() : headers;
        pricing = pricing == null ? List.of() : List.copyOf(pricing);
        credentials = credentials == null ? List.of() : List.copyOf(credentials);
    }

    public record Timeouts(long connectMs, long firstByteMs, long idleMs, long totalMs) {
    }

    public record Limits(Integer requestsPerMinute, Integer tokensPerMinute, Integer maxConcurrency) {
    }

    public record Price(String model, double inputPerMillion, double outputPerMillion, double cachedInputPerMillion) {
    }

    public record Simulation(long latencyMs, int tokensPerSecond, double failureRate, int failureStatus) {
    }

    /** The price entry for an upstream model, or null when none is declared. */
    public Price priceOf(String model) {
        for (Price price : pricing) {
            if (price.model().equals(model)) {
                return price;
            }
        }
        return null;
    }

    List<String> validate() {
        List<String> errors = new ArrayList<>();
        String at = "providers[" + name + "]";
        if (!TYPES.contains(type)) {
            errors.add(at + ".type: unknown type " + type);
        }
        if ("Simulated".equals(type) != (simulation != null)) {
            errors.add(at + ": simulation settings go with type Simulated, and only with it");
        }
        if (!"Simulated".equals(type) && (endpoint == null || !endpoint.matches("^https?://\\S+$"))) {
            errors.add(at + ".endpoint: not an http(s) URL: " + endpoint);
        }
        if (timeouts == null || timeouts.connectMs() <= 0 || timeouts.firstByteMs() <= 0 || timeouts.idleMs() <= 0
                || timeouts.totalMs() <= 0) {
            errors.add(at + ".timeouts: missing or not positive");
        }
        return errors;
    }
}
