package dev.switchboard.compiler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.switchboard.api.v1alpha1.Feature;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.ProviderSpec;
import dev.switchboard.api.v1alpha1.ProviderType;
import dev.switchboard.routing.ModelPattern;
import dev.switchboard.routing.ModelTemplate;
import dev.switchboard.routing.SecretFile;
import dev.switchboard.routing.UpstreamProvider;

/** Resolves one Provider into an upstream entry, or reports why it cannot be used. */
final class ProviderCompiler {

    private static final Map<ProviderType, String> DEFAULT_ENDPOINTS = Map.of(
            ProviderType.OpenAI, "https://api.openai.com/v1",
            ProviderType.Anthropic, "https://api.anthropic.com",
            ProviderType.Gemini, "https://generativelanguage.googleapis.com",
            ProviderType.Ollama, "http://localhost:11434");

    private static final Set<ProviderType> NEED_CREDENTIALS = Set.of(
            ProviderType.OpenAI, ProviderType.AzureOpenAI, ProviderType.Anthropic, ProviderType.Gemini);

    private ProviderCompiler() {
    }

    /**
     * A compiled provider: usable when entry is non-null. knownModels is empty when nothing is declared; canonicalModels
     * maps the canonical name of each known model to the provider's spelling (the first by name when several spell one).
     */
    record Resolved(Provider resource, UpstreamProvider entry, Set<String> knownModels, Map<String, String> canonicalModels) {
        boolean usable() {
            return entry != null;
        }

        boolean serves(String model) {
            return knownModels.isEmpty() || knownModels.contains(model) || canonicalModels.containsKey(model);
        }

        /**
         * The name to call this provider with for a model a group names: a known name or one in the provider's own
         * spelling as it is, a canonical name as the provider spells it (its known spelling first, then its rules).
         */
        String spelling(String model) {
            if (knownModels.contains(model) || !entry.canonicalName(model).equals(model)) {
                return model;
            }
            String known = canonicalModels.get(model);
            return known != null ? known : entry.upstreamName(model);
        }
    }

    static Resolved compile(Provider provider, SecretIndex secrets, String secretRoot, Problems problems) {
        ProviderSpec spec = provider.getSpec();
        if (spec == null || spec.type() == null) {
            problems.error("spec.type", ProblemReason.InvalidValue, "spec.type is required");
            return new Resolved(provider, null, Set.of(), Map.of());
        }
        ProviderType type = spec.type();
        String endpoint = spec.endpoint() != null ? stripTrailingSlash(spec.endpoint()) : DEFAULT_ENDPOINTS.get(type);
        if (type != ProviderType.Simulated && endpoint == null) {
            problems.error("spec.endpoint", ProblemReason.UnsupportedCombination, "a " + type + " provider needs spec.endpoint");
        } else if (endpoint != null && spec.endpoint() != null) {
            String problem = UpstreamRules.endpointProblem(endpoint, Boolean.TRUE.equals(spec.allowPlaintextHttp()));
            if (problem != null) {
                problems.error("spec.endpoint", ProblemReason.InvalidValue, problem);
            }
        }
        Map<String, String> headers = UpstreamRules.checkedHeaders(spec.headers(), problems);
        if (type == ProviderType.AzureOpenAI && spec.apiVersion() == null) {
            problems.error("spec.apiVersion", ProblemReason.UnsupportedCombination, "an AzureOpenAI provider needs spec.apiVersion");
        }
        if (type != ProviderType.Simulated && spec.simulation() != null) {
            problems.error("spec.simulation", ProblemReason.UnsupportedCombination, "spec.simulation is only allowed for type Simulated");
        }
        List<SecretFile> credentials = credentials(spec, type, secrets, secretRoot, problems);

        Set<String> knownModels = new TreeSet<>();
        addModels(knownModels, spec.models(), "spec.models", problems);
        if (provider.getStatus() != null && provider.getStatus().models() != null) {
            knownModels.addAll(provider.getStatus().models());
        }

        var timeouts = spec.timeouts();
        var entryTimeouts = new UpstreamProvider.Timeouts(
                problems.positiveMillis("spec.timeouts.connect", timeouts != null ? timeouts.connect() : null, "2s"),
                problems.positiveMillis("spec.timeouts.firstByte", timeouts != null ? timeouts.firstByte() : null, "30s"),
                problems.positiveMillis("spec.timeouts.idle", timeouts != null ? timeouts.idle() : null, "30s"),
                problems.positiveMillis("spec.timeouts.total", timeouts != null ? timeouts.total() : null, "10m"));
        List<UpstreamProvider.Price> pricing = new ArrayList<>();
        List<ProviderSpec.Pricing> declaredPrices = spec.pricing() == null ? List.of() : spec.pricing();
        for (int i = 0; i < declaredPrices.size(); i++) {
            var p = declaredPrices.get(i);
            if (p == null || !Names.isModelGlob(p.model())) {
                problems.warning("spec.pricing[" + i + "].model", ProblemReason.InvalidValue,
                        "not a model name or glob, price ignored: " + (p == null ? null : p.model()));
                continue;
            }
            pricing.add(new UpstreamProvider.Price(p.model(), nonNegative(p.inputPerMillion()), nonNegative(p.outputPerMillion()),
                    p.cachedInputPerMillion() != null ? p.cachedInputPerMillion() : nonNegative(p.inputPerMillion())));
        }
        pricing.sort(Comparator.comparing(UpstreamProvider.Price::model));
        var limits = spec.limits() == null ? null
                : new UpstreamProvider.Limits(spec.limits().requestsPerMinute(), spec.limits().tokensPerMinute(), spec.limits().maxConcurrency());
        UpstreamProvider.Simulation simulation = null;
        if (type == ProviderType.Simulated) {
            var sim = spec.simulation();
            simulation = new UpstreamProvider.Simulation(
                    problems.millis("spec.simulation.latency", sim != null ? sim.latency() : null, "0s"),
                    sim != null && sim.tokensPerSecond() != null ? sim.tokensPerSecond() : 0,
                    sim != null && sim.failureRate() != null ? sim.failureRate() : 0.0,
                    sim != null && sim.failureStatus() != null ? sim.failureStatus() : 503);
        }
        UpstreamProvider.Capabilities capabilities = capabilities(spec.capabilities(), problems);
        List<UpstreamProvider.ModelName> modelNames = modelNames(spec.modelNames(), problems);
        if (problems.hasErrors()) {
            return new Resolved(provider, null, knownModels, Map.of());
        }
        var entry = new UpstreamProvider(provider.getMetadata().getName(), type.name(),
                type == ProviderType.Simulated ? null : endpoint, spec.apiVersion(),
                headers, entryTimeouts, limits, pricing, credentials, simulation,
                capabilities, modelNames);
        Map<String, String> canonicalModels = new TreeMap<>();
        for (String known : knownModels) {
            canonicalModels.putIfAbsent(entry.canonicalName(known), known);
        }
        return new Resolved(provider, entry, knownModels, canonicalModels);
    }

    /** The usable name rules in their declared order; a malformed one is a warning and left out. */
    static List<UpstreamProvider.ModelName> modelNames(List<ProviderSpec.ModelName> declared, Problems problems) {
        List<UpstreamProvider.ModelName> rules = new ArrayList<>();
        List<ProviderSpec.ModelName> entries = declared == null ? List.of() : declared;
        for (int i = 0; i < entries.size(); i++) {
            var rule = entries.get(i);
            String field = "spec.modelNames[" + i + "]";
            if (rule == null || !Names.isModelGlob(rule.upstream())) {
                problems.warning(field + ".upstream", ProblemReason.InvalidValue,
                        "not a model name or glob, rule ignored: " + (rule == null ? null : rule.upstream()));
                continue;
            }
            String problem = !Names.isModelTemplate(rule.canonical()) ? "not a model name or template: " + rule.canonical()
                    : ModelTemplate.of(rule.canonical()).problemWith(ModelPattern.of(rule.upstream()).captures());
            if (problem != null) {
                problems.warning(field + ".canonical", ProblemReason.InvalidValue, problem + "; rule ignored");
            } else {
                rules.add(new UpstreamProvider.ModelName(rule.upstream(), rule.canonical()));
            }
        }
        return rules;
    }

    /**
     * The declared capabilities, or null when nothing is restricted (so tables of providers without a declaration
     * stay as they were). Feature lists are sorted in the enum's order; a repeated model entry is a warning and the
     * first one wins.
     */
    static UpstreamProvider.Capabilities capabilities(ProviderSpec.Capabilities declared, Problems problems) {
        if (declared == null) {
            return null;
        }
        List<String> unsupported = featureNames(declared.unsupported());
        Map<String, List<String>> models = new TreeMap<>();
        List<ProviderSpec.ModelCapabilities> entries = declared.models() == null ? List.of() : declared.models();
        for (int i = 0; i < entries.size(); i++) {
            var entry = entries.get(i);
            String field = "spec.capabilities.models[" + i + "]";
            if (entry == null || !Names.isModelName(entry.model())) {
                problems.warning(field + ".model", ProblemReason.InvalidValue,
                        "not a model name, entry ignored: " + (entry == null ? null : entry.model()));
            } else if (models.containsKey(entry.model())) {
                problems.warning(field + ".model", ProblemReason.InvalidValue,
                        "model " + entry.model() + " is listed more than once; the first entry applies");
            } else {
                models.put(entry.model(), featureNames(entry.unsupported()));
            }
        }
        if (unsupported.isEmpty() && models.values().stream().allMatch(List::isEmpty)) {
            return null;
        }
        return new UpstreamProvider.Capabilities(unsupported, models);
    }

    private static List<String> featureNames(List<Feature> features) {
        if (features == null) {
            return List.of();
        }
        return features.stream().filter(java.util.Objects::nonNull).distinct().sorted().map(Feature::name).toList();
    }

    private static List<SecretFile> credentials(ProviderSpec spec, ProviderType type, SecretIndex secrets, String secretRoot, Problems problems) {
        if (spec.credentials() == null || spec.credentials().secretRef() == null) {
            if (NEED_CREDENTIALS.contains(type)) {
                problems.error("spec.credentials", ProblemReason.UnsupportedCombination, "a " + type + " provider needs spec.credentials");
            }
            return List.of();
        }
        var ref = spec.credentials().secretRef();
        String field = "spec.credentials.secretRef";
        if (!PolicyCompiler.SecretReferences.usable(problems, field + ".name", secrets, ref.name())) {
            return List.of();
        }
        Set<String> available = secrets.keysOf(ref.name());
        List<String> wanted = ref.keys() == null || ref.keys().isEmpty() ? List.copyOf(available) : ref.keys();
        if (wanted.isEmpty()) {
            problems.error(field + ".name", ProblemReason.MissingSecretKey, "Secret " + ref.name() + " holds no keys");
            return List.of();
        }
        List<SecretFile> files = new ArrayList<>();
        for (String key : new TreeSet<>(wanted)) {
            if (!Names.isSecretKey(key)) {
                problems.error(field + ".keys", ProblemReason.InvalidValue, "not a Secret data key: " + key);
            } else if (!available.contains(key)) {
                problems.error(field + ".keys", ProblemReason.MissingSecretKey, "Secret " + ref.name() + " has no key " + key);
            } else if (!secrets.value(ref.name(), key).singleLine()) {
                // One bad key leaves the pool; the others still serve.
                problems.warning(field + ".keys", ProblemReason.InvalidSecretValue, PolicyCompiler.SecretReferences.lineBreak(ref.name(), key));
            } else {
                files.add(PolicyCompiler.SecretReferences.file(secretRoot, ref.name(), key));
            }
        }
        if (files.isEmpty() && !problems.hasErrors()) {
            problems.error(field + ".name", ProblemReason.InvalidSecretValue, "Secret " + ref.name() + " holds no usable key");
        }
        return files;
    }

    private static void addModels(Set<String> into, List<String> models, String field, Problems problems) {
        if (models == null) {
            return;
        }
        for (int i = 0; i < models.size(); i++) {
            if (Names.isModelName(models.get(i))) {
                into.add(models.get(i));
            } else {
                problems.warning(field + "[" + i + "]", ProblemReason.InvalidValue, "not a model name, ignored: " + models.get(i));
            }
        }
    }

    private static double nonNegative(Double value) {
        return value == null ? 0.0 : Math.max(0.0, value);
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
