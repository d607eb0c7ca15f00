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
        Simulation simulation,
        Capabilities capabilities,
        List<ModelName> modelNames) {

    public static final List<String> TYPES = List.of("OpenAI", "AzureOpenAI", "Anthropic", "Gemini", "Ollama", "OpenAICompatible", "Simulated");

    public UpstreamProvider {
        headers = headers == null ? Map.of() : headers;
        pricing = pricing == null ? List.of() : List.copyOf(pricing);
        credentials = credentials == null ? List.of() : List.copyOf(credentials);
        modelNames = modelNames == null || modelNames.isEmpty() ? null : List.copyOf(modelNames);
    }

    /** A provider without name rules: its names are the canonical ones (kept for callers written before them). */
    public UpstreamProvider(String name, String type, String endpoint, String apiVersion, Map<String, String> headers,
            Timeouts timeouts, Limits limits, List<Price> pricing, List<SecretFile> credentials, Simulation simulation,
            Capabilities capabilities) {
        this(name, type, endpoint, apiVersion, headers, timeouts, limits, pricing, credentials, simulation, capabilities, null);
    }

    /** A provider without a capability declaration: every feature allowed (kept for callers written before it). */
    public UpstreamProvider(String name, String type, String endpoint, String apiVersion, Map<String, String> headers,
            Timeouts timeouts, Limits limits, List<Price> pricing, List<SecretFile> credentials, Simulation simulation) {
        this(name, type, endpoint, apiVersion, headers, timeouts, limits, pricing, credentials, simulation, null, null);
    }

    /** The same provider calling with other headers (for one call: e.g. with the client headers the policy forwards). */
    public UpstreamProvider withHeaders(Map<String, String> replaced) {
        return new UpstreamProvider(name, type, endpoint, apiVersion, replaced, timeouts, limits, pricing, credentials, simulation, capabilities,
                modelNames);
    }

    public record Timeouts(long connectMs, long firstByteMs, long idleMs, long totalMs) {
    }

    public record Limits(Integer requestsPerMinute, Integer tokensPerMinute, Integer maxConcurrency) {
    }

    public record Price(String model, double inputPerMillion, double outputPerMillion, double cachedInputPerMillion) {
    }

    /**
     * A name rule: the provider reports and is called with names {@code upstream} matches (a glob with captures), whose
     * canonical name is {@code canonical} (a template over those captures): `gpt-4o-2024-08-06` → `gpt-4o`,
     * `openai/*` → `{1}`. Read back (canonical to upstream) only when canonical uses every capture once.
     */
    public record ModelName(String upstream, String canonical) {
    }

    public record Simulation(long latencyMs, int tokensPerSecond, double failureRate, int failureStatus) {
    }

    /**
     * Features the provider's models cannot serve: {@code unsupported} for every model, unless {@code models} has an
     * entry for the upstream model, which then replaces it (an empty entry means the model serves everything).
     */
    public record Capabilities(List<String> unsupported, Map<String, List<String>> models) {

        /** The feature names a table may use; the same names as the CR's Feature enum. */
        public static final List<String> FEATURES = List.of("Chat", "Completions", "Embeddings", "Streaming", "Images", "Audio",
                "Files", "Tools", "JsonMode", "JsonSchema");

        public Capabilities {
            unsupported = unsupported == null ? List.of() : List.copyOf(unsupported);
            models = models == null ? Map.of() : Map.copyOf(models);
        }

        /** The features the given upstream model cannot serve. */
        public List<String> unsupportedBy(String model) {
            List<String> own = models.get(model);
            return own != null ? own : unsupported;
        }

        List<String> validate(String at) {
            List<String> errors = new ArrayList<>();
            for (String feature : unsupported) {
                if (!FEATURES.contains(feature)) {
                    errors.add(at + ".capabilities.unsupported: unknown feature " + feature);
                }
            }
            models.forEach((model, features) -> {
                for (String feature : features) {
                    if (!FEATURES.contains(feature)) {
                        errors.add(at + ".capabilities.models[" + model + "]: unknown feature " + feature);
                    }
                }
            });
            return errors;
        }
    }

    /** The features an upstream model of this provider cannot serve; empty when nothing is declared. */
    public List<String> unsupportedBy(String model) {
        return capabilities == null ? List.of() : capabilities.unsupportedBy(model);
    }

    /**
     * The price entry for an upstream model, or null when none is declared: an entry naming the model wins, then the
     * matching glob with the most fixed characters (ties: the first by name, as the table lists them).
     */
    public Price priceOf(String model) {
        Price best = null;
        for (Price price : pricing) {
            if (price.model().equals(model)) {
                return price;
            }
            if (ModelPattern.isGlob(price.model()) && ModelPattern.of(price.model()).match(model) != null
                    && (best == null || Globs.fixedLength(price.model()) > Globs.fixedLength(best.model()))) {
                best = price;
            }
        }
        return best;
    }

    /** The canonical name of a name this provider reports or is called with: by the first rule that matches it, else itself. */
    public String canonicalName(String upstreamName) {
        if (modelNames != null) {
            for (ModelName rule : modelNames) {
                List<String> captures = ModelPattern.of(rule.upstream()).match(upstreamName);
                if (captures != null) {
                    return ModelTemplate.of(rule.canonical()).expand(captures);
                }
            }
        }
        return upstreamName;
    }

    /** The name this provider is called with for a canonical name: by the first rule that reads back to it, else itself. */
    public String upstreamName(String canonicalName) {
        if (modelNames != null) {
            for (ModelName rule : modelNames) {
                String upstream = ModelTemplate.of(rule.canonical()).invert(ModelPattern.of(rule.upstream()), canonicalName);
                if (upstream != null) {
                    return upstream;
                }
            }
        }
        return canonicalName;
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
        if (capabilities != null) {
            errors.addAll(capabilities.validate(at));
        }
        if (modelNames != null) {
            for (ModelName rule : modelNames) {
                String problem = rule.upstream() == null || rule.canonical() == null ? "upstream and canonical are required"
                        : ModelTemplate.of(rule.canonical()).problemWith(ModelPattern.of(rule.upstream()).captures());
                if (problem != null) {
                    errors.add(at + ".modelNames[" + rule.upstream() + "]: " + problem);
                }
            }
        }
        return errors;
    }
}
