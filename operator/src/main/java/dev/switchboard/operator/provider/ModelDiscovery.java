package dev.switchboard.operator.provider;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.api.v1alpha1.ProviderSpec;
import dev.switchboard.api.v1alpha1.ProviderType;
import dev.switchboard.operator.common.OperatorConfig;

/**
 * Lists an upstream's models over HTTP with a timeout. Every failure is returned as a value (and becomes the
 * Reachable condition); nothing here throws into the reconciler.
 */
@ApplicationScoped
public class ModelDiscovery {

    /** Same defaults as the compiler's ProviderCompiler; only the types that can list models are here. */
    private static final Map<ProviderType, String> DEFAULT_ENDPOINTS = Map.of(
            ProviderType.OpenAI, "https://api.openai.com/v1",
            ProviderType.Anthropic, "https://api.anthropic.com",
            ProviderType.Ollama, "http://localhost:11434");

    public sealed interface Outcome {
    }

    public record Listed(List<String> models) implements Outcome {
    }

    public record Failed(String reason, String message) implements Outcome {
    }

    public record Unsupported(String message) implements Outcome {
    }

    private final OperatorConfig config;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http;

    public ModelDiscovery(OperatorConfig config) {
        this.config = config;
        this.http = HttpClient.newBuilder().connectTimeout(config.discovery().timeout())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** apiKey may be null for upstreams that need none. */
    public Outcome list(ProviderSpec spec, String apiKey) {
        ProviderType type = spec.type();
        String endpoint = spec.endpoint() != null ? spec.endpoint().replaceAll("/+$", "") : DEFAULT_ENDPOINTS.get(type);
        HttpRequest.Builder request;
        switch (type) {
            case OpenAI, OpenAICompatible -> {
                request = HttpRequest.newBuilder(URI.create(endpoint + "/models"));
                if (apiKey != null) {
                    request.header("Authorization", "Bearer " + apiKey);
                }
            }
            case Anthropic -> {
                request = HttpRequest.newBuilder(URI.create(endpoint + "/v1/models")).header("anthropic-version", "2023-06-01");
                if (apiKey != null) {
                    request.header("x-api-key", apiKey);
                }
            }
            case Ollama -> request = HttpRequest.newBuilder(URI.create(endpoint + "/api/tags"));
            default -> {
                return new Unsupported("model discovery is not implemented for type " + type);
            }
        }
        if (spec.headers() != null) {
            spec.headers().forEach(request::header);
        }
        try {
            HttpResponse<String> response = http.send(request.timeout(config.discovery().timeout()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return new Failed("HttpStatus" + response.statusCode(), "listing models at " + endpoint + " returned HTTP " + response.statusCode());
            }
            return new Listed(parse(type, json.readTree(response.body())));
        } catch (IOException | IllegalArgumentException e) {
            return new Failed("Unreachable", "listing models at " + endpoint + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Failed("Interrupted", "listing models at " + endpoint + " was interrupted");
        }
    }

    /** OpenAI and Anthropic answer {"data":[{"id":...}]}; Ollama answers {"models":[{"name":...}]}. */
    private static List<String> parse(ProviderType type, JsonNode body) {
        TreeSet<String> models = new TreeSet<>();
        boolean ollama = type == ProviderType.Ollama;
        JsonNode items = body.path(ollama ? "models" : "data");
        for (JsonNode item : items) {
            String name = item.path(ollama ? "name" : "id").asText(null);
            if (name != null && !name.isBlank()) {
                models.add(name);
            }
        }
        return List.copyOf(models);
    }
}
