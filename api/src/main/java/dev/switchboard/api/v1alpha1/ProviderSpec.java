package dev.switchboard.api.v1alpha1;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "self.type != 'AzureOpenAI' || has(self.apiVersion)", message = "an AzureOpenAI provider needs spec.apiVersion", fieldPath = ".apiVersion", reason = "FieldValueRequired")
@ValidationRule(value = "!(self.type in ['AzureOpenAI', 'OpenAICompatible']) || has(self.endpoint)", message = "AzureOpenAI and OpenAICompatible providers need spec.endpoint", fieldPath = ".endpoint", reason = "FieldValueRequired")
@ValidationRule(value = "!(self.type in ['OpenAI', 'AzureOpenAI', 'Anthropic', 'Gemini']) || has(self.credentials)", message = "OpenAI, AzureOpenAI, Anthropic and Gemini providers need spec.credentials", fieldPath = ".credentials", reason = "FieldValueRequired")
@ValidationRule(value = "!has(self.simulation) || self.type == 'Simulated'", message = "spec.simulation is only allowed for type Simulated", fieldPath = ".simulation", reason = "FieldValueForbidden")
public record ProviderSpec(
        @Required @JsonPropertyDescription("Wire protocol of the upstream: OpenAI, AzureOpenAI, Anthropic, Gemini, Ollama, OpenAICompatible or Simulated.") ProviderType type,
        @Pattern(Patterns.ENDPOINT_URL) @Size(max = 2048) @JsonPropertyDescription("Base URL of the upstream API, without user info, query or fragment. Defaults per type (OpenAI: https://api.openai.com/v1, Anthropic: https://api.anthropic.com, Gemini: https://generativelanguage.googleapis.com, Ollama: http://localhost:11434); required for AzureOpenAI and OpenAICompatible. Plain http:// is accepted for cluster-internal hosts (a single-label name, <service>.<namespace>.svc[.cluster.local], localhost, 127.0.0.0/8, [::1]); for any other host it needs allowPlaintextHttp.") String endpoint,
        @JsonPropertyDescription("Allow a plain http:// endpoint outside the cluster. Keys and prompts then travel unencrypted; use it only for trusted networks. Not needed for cluster-internal hosts.") Boolean allowPlaintextHttp,
        @Pattern("^[0-9]{4}-[0-9]{2}-[0-9]{2}(-preview)?$") @JsonPropertyDescription("Azure OpenAI api-version query parameter, for example 2024-10-21. Required for AzureOpenAI.") String apiVersion,
        @JsonPropertyDescription("Where the API keys come from. Every selected key of the Secret joins this provider's key pool.") Credentials credentials,
        @JsonPropertyDescription("Extra HTTP headers sent with every upstream request. No credentials: authentication headers (Authorization, Proxy-Authorization, Cookie, x-api-key, api-key, x-goog-api-key, Ocp-Apim-Subscription-Key) are refused, keys come from credentials; so are the headers that frame the HTTP message (Host, Content-Length, Transfer-Encoding, Connection and the other hop-by-hop headers).") Map<String, String> headers,
        @Size(max = 1000) @JsonPropertyDescription("Upstream model names this provider is known to serve. Together with discovered models (status.models) it lets the compiler reject targets naming a model the provider does not serve, lets aggregate groups pick only providers that serve the model, and lists the names pattern groups serve.") List<String> models,
        @JsonPropertyDescription("Price per million tokens for upstream models, used for cost accounting and the LowestCost strategy.") List<Pricing> pricing,
        @Size(max = 100) @JsonPropertyDescription("Name rules: how the names this provider reports and is called with map to canonical names, and back. The first rule whose upstream matches a reported name gives its canonical name (a name no rule matches is canonical already); a canonical name is sent as the upstream spelling of the first rule that reads back to it. Aggregate and pattern groups compare canonical names, so one group spans providers that spell a model differently.") List<ModelName> modelNames,
        @JsonPropertyDescription("Limits that protect this upstream account, shared by all requests through the gateway.") Limits limits,
        @JsonPropertyDescription("Timeouts for upstream calls.") Timeouts timeouts,
        @JsonPropertyDescription("Periodic listing of the upstream's models into status.models.") Discovery discovery,
        @JsonPropertyDescription("Behaviour of a Simulated provider: latency, speed and injected failures. Only for type Simulated.") Simulation simulation,
        @JsonPropertyDescription("Request features this provider's models cannot serve, provider-wide and per model. A request using one gets 400 unsupported_feature naming the feature instead of reaching a model that would drop it. Absent: every feature is allowed (the adapters still refuse what their wire format cannot express).") Capabilities capabilities) {

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Capabilities(
            @Size(max = 10) @JsonPropertyDescription("Features no model of this provider serves, unless an entry in models says otherwise: Chat, Completions, Embeddings, Streaming, Images, Audio, Files, Tools, JsonMode, JsonSchema.") List<Feature> unsupported,
            @Size(max = 1000) @JsonPropertyDescription("Per upstream model: the features that model cannot serve. An entry replaces the provider-wide list for its model, so a vision model of a text-only provider can declare unsupported: [].") List<ModelCapabilities> models) {
    }

    /** Keeps an empty list on output: for a model entry, "nothing is unsupported" is a statement, not an absence. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModelCapabilities(
            @Required @Pattern(Patterns.MODEL_NAME) @JsonPropertyDescription("Upstream model name, as targets name it.") String model,
            @Required @Size(max = 10) @JsonPropertyDescription("Features this model cannot serve; replaces the provider-wide list for it. Empty: the model serves everything.") List<Feature> unsupported) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Credentials(
            @Required @JsonPropertyDescription("The Secret, in the provider's namespace, holding one API key per data key.") SecretRef secretRef) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record SecretRef(
            @Required @Pattern(Patterns.DNS_SUBDOMAIN) @JsonPropertyDescription("Name of the Secret.") String name,
            @JsonPropertyDescription("Data keys of the Secret to use. Empty means every key in the Secret forms the key pool.") List<String> keys) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ModelName(
            @Required @Size(max = 256) @Pattern(Patterns.MODEL_GLOB) @JsonPropertyDescription("A name as the provider reports it and is called with, or a glob of them whose wildcards are captures, for example gpt-4o-2024-08-06 or openai/*.") String upstream,
            @Required @Size(max = 256) @Pattern(Patterns.MODEL_TEMPLATE) @JsonPropertyDescription("The canonical name, a template over upstream's captures: gpt-4o, or {1} to strip the prefix of openai/*. The rule reads back (canonical to upstream spelling) only when it uses every capture exactly once.") String canonical) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Pricing(
            @Required @Size(max = 256) @Pattern(Patterns.MODEL_GLOB) @JsonPropertyDescription("Upstream model name the prices apply to, or a glob of names (claude-3-5-*): an entry naming the model wins, then the matching glob with the most fixed characters.") String model,
            @Required @Min(0) @JsonPropertyDescription("Price per million input (prompt) tokens, in the account's currency.") Double inputPerMillion,
            @Required @Min(0) @JsonPropertyDescription("Price per million output (completion) tokens.") Double outputPerMillion,
            @Min(0) @JsonPropertyDescription("Price per million cached input tokens, when the provider reports them; defaults to the input price.") Double cachedInputPerMillion) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Limits(
            @Min(1) @JsonPropertyDescription("Maximum requests per minute sent to this upstream.") Integer requestsPerMinute,
            @Min(1) @JsonPropertyDescription("Maximum tokens (input plus output) per minute sent to this upstream.") Integer tokensPerMinute,
            @Min(1) @Max(100000) @JsonPropertyDescription("Maximum requests in flight to this upstream at once.") Integer maxConcurrency) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Timeouts(
            @Pattern(Patterns.DURATION) @Default("2s") @JsonPropertyDescription("Time allowed to open a connection, for example 2s.") String connect,
            @Pattern(Patterns.DURATION) @Default("30s") @JsonPropertyDescription("Time allowed until the first response byte arrives.") String firstByte,
            @Pattern(Patterns.DURATION) @Default("30s") @JsonPropertyDescription("Longest silence allowed between two chunks of a streamed response.") String idle,
            @Pattern(Patterns.DURATION) @Default("10m") @JsonPropertyDescription("Time allowed for the whole upstream call, stream included.") String total) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Discovery(
            @Default("false") @JsonPropertyDescription("Whether the operator lists the upstream's models into status.models.") Boolean enabled,
            @Pattern(Patterns.DURATION) @Default("10m") @JsonPropertyDescription("How often the model list is refreshed.") String interval) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Simulation(
            @Pattern(Patterns.DURATION) @Default("0s") @JsonPropertyDescription("Delay before the first byte of every response.") String latency,
            @Min(0) @Max(1000000) @Default("0") @JsonPropertyDescription("Streaming speed in tokens per second; 0 streams without delay.") Integer tokensPerSecond,
            @Min(0) @Max(1) @Default("0") @JsonPropertyDescription("Fraction of requests, between 0 and 1, that fail with failureStatus. Failures are deterministic: every round(1/rate)-th request fails.") Double failureRate,
            @Min(400) @Max(599) @Default("503") @JsonPropertyDescription("HTTP status of injected failures.") Integer failureStatus) {
    }
}
