package dev.switchboard.operator.provider;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.api.v1alpha1.Patterns;
import dev.switchboard.api.v1alpha1.ProviderSpec;
import dev.switchboard.api.v1alpha1.ProviderType;
import dev.switchboard.compiler.UpstreamRules;
import dev.switchboard.operator.common.BoundedHttp;
import dev.switchboard.operator.common.OperatorConfig;

/**
 * Lists an upstream's models. The upstream is chosen by whoever writes the Provider, so the call is bounded in time
 * and size and follows no redirect ({@link BoundedHttp}), and a failure reaches the status only as a short category:
 * no address, no exception text, nothing of the answer. Every failure is returned as a value (it becomes the
 * Reachable condition); nothing here throws into the reconciler.
 */
@ApplicationScoped
public class ModelDiscovery {

    /** Same defaults as the compiler's ProviderCompiler, for the types that can list models. */
    private static final Map<ProviderType, String> DEFAULT_ENDPOINTS = Map.of(
            ProviderType.OpenAI, "https://api.openai.com/v1",
            ProviderType.Anthropic, "https://api.anthropic.com",
            ProviderType.Gemini, "https://generativelanguage.googleapis.com",
            ProviderType.Ollama, "http://localhost:11434");
    /**
     * Azure OpenAI lists deployments (what targets name) only in its older data-plane API; the inference calls keep
     * the Provider's own apiVersion.
     */
    static final String AZURE_DEPLOYMENTS_API_VERSION = "2022-12-01";
    /** Gemini pages its model list; a handful of pages covers every public model many times over. */
    static final int GEMINI_MAX_PAGES = 5;
    static final int MAX_MODELS = 1000;
    static final int MAX_NAME_LENGTH = 256;
    private static final Pattern MODEL_NAME = Pattern.compile(Patterns.MODEL_NAME);

    public sealed interface Outcome {
    }

    public record Listed(List<String> models) implements Outcome {
    }

    public record Failed(String reason, String message) implements Outcome {
    }

    public record Unsupported(String message) implements Outcome {
    }

    private final ObjectMapper json = new ObjectMapper();
    private final BoundedHttp http;

    public ModelDiscovery(OperatorConfig config) {
        this.http = new BoundedHttp(config.discovery().timeout(), config.discovery().maxResponseBytes());
    }

    /** apiKey may be null for upstreams that need none. */
    public Outcome list(ProviderSpec spec, String apiKey) {
        ProviderType type = spec.type();
        if (type == ProviderType.Simulated) {
            return new Unsupported("a Simulated provider has no upstream to list");
        }
        if (spec.endpoint() != null) {
            String problem = UpstreamRules.endpointProblem(spec.endpoint(), Boolean.TRUE.equals(spec.allowPlaintextHttp()));
            if (problem != null) {
                return new Failed("InvalidEndpoint", "spec.endpoint " + problem);
            }
        }
        if (spec.headers() != null) {
            for (var header : spec.headers().entrySet()) {
                String problem = UpstreamRules.headerProblem(header.getKey(), header.getValue());
                if (problem != null) {
                    return new Failed("InvalidHeader", "spec.headers: " + problem);
                }
            }
        }
        String endpoint = spec.endpoint() != null ? spec.endpoint().replaceAll("/+$", "") : DEFAULT_ENDPOINTS.get(type);
        if (endpoint == null) {
            return new Failed("InvalidEndpoint", "a " + type + " provider needs spec.endpoint");
        }
        try {
            return switch (type) {
                case OpenAI, OpenAICompatible -> listed(get(spec, endpoint + "/models", "authorization", bearer(apiKey)), "data", "id");
                case Anthropic -> listed(get(spec, endpoint + "/v1/models?limit=1000", "x-api-key", apiKey, "anthropic-version", "2023-06-01"),
                        "data", "id");
                case Ollama -> listed(get(spec, endpoint + "/api/tags"), "models", "name");
                case AzureOpenAI -> azureDeployments(spec, endpoint, apiKey);
                case Gemini -> geminiModels(spec, endpoint, apiKey);
                case Simulated -> new Unsupported("a Simulated provider has no upstream to list");
            };
        } catch (IllegalArgumentException e) {
            // A header or URI the HTTP client refuses; its message may quote the value, so it is not passed on.
            return new Failed("InvalidEndpoint", "the endpoint or a header cannot be used in an HTTP request");
        }
    }

    /** `GET {endpoint}/openai/deployments` answers {"data":[{"id": deployment, "model", "status"}]}. */
    private Outcome azureDeployments(ProviderSpec spec, String endpoint, String apiKey) {
        Object answer = get(spec, endpoint + "/openai/deployments?api-version=" + AZURE_DEPLOYMENTS_API_VERSION, "api-key", apiKey);
        if (answer instanceof Failed failed) {
            return failed;
        }
        TreeSet<String> deployments = new TreeSet<>();
        for (JsonNode item : ((JsonNode) answer).path("data")) {
            String status = item.path("status").asText("succeeded");
            if ("succeeded".equals(status)) {
                addName(deployments, item.path("id").asText(null), "");
            }
        }
        return new Listed(List.copyOf(deployments));
    }

    /** `GET {endpoint}/v1beta/models` answers {"models":[{"name":"models/gemini-2.5-flash"}],"nextPageToken"}, in pages. */
    private Outcome geminiModels(ProviderSpec spec, String endpoint, String apiKey) {
        String base = (endpoint.endsWith("/v1beta") ? endpoint : endpoint + "/v1beta") + "/models?pageSize=1000";
        long deadline = System.nanoTime() + http.deadline().toNanos();
        TreeSet<String> models = new TreeSet<>();
        String pageToken = null;
        for (int page = 0; page < GEMINI_MAX_PAGES; page++) {
            Duration left = Duration.ofNanos(deadline - System.nanoTime());
            if (left.isNegative() || left.isZero()) {
                return timedOut();
            }
            String url = pageToken == null ? base : base + "&pageToken=" + URLEncoder.encode(pageToken, StandardCharsets.UTF_8);
            Object answer = get(spec, url, left, "x-goog-api-key", apiKey);
            if (answer instanceof Failed failed) {
                return failed;
            }
            JsonNode body = (JsonNode) answer;
            for (JsonNode item : body.path("models")) {
                addName(models, item.path("name").asText(null), "models/");
            }
            pageToken = body.path("nextPageToken").asText("");
            if (pageToken.isEmpty()) {
                break;
            }
        }
        return new Listed(List.copyOf(models));
    }

    private Object get(ProviderSpec spec, String url, String... headers) {
        return get(spec, url, http.deadline(), headers);
    }

    /** The parsed JSON answer, or a Failed. Headers come as name, value pairs; a null value is left out. */
    private Object get(ProviderSpec spec, String url, Duration deadline, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (spec.headers() != null) {
            spec.headers().forEach(request::header);
        }
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i + 1] != null) {
                request.setHeader(headers[i], headers[i + 1]);
            }
        }
        BoundedHttp.Answer answer = http.getNow(request, deadline);
        if (answer.failed()) {
            return switch (answer.failure()) {
                case UNREACHABLE -> new Failed("Unreachable", "listing models failed: no connection to the upstream");
                case TIMEOUT -> timedOut();
                case TOO_LARGE -> new Failed("ResponseTooLarge", "listing models failed: the answer is larger than the operator reads");
            };
        }
        int status = answer.status();
        if (status >= 300 && status < 400) {
            return new Failed("Redirected", "the upstream answered with a redirect (HTTP " + status + "), which discovery does not follow");
        }
        if (status != 200) {
            return new Failed("HttpStatus" + status, "listing models returned HTTP " + status);
        }
        try {
            JsonNode body = json.readTree(answer.body());
            return body == null || !body.isObject() ? notAModelList() : body;
        } catch (IOException e) {
            return notAModelList();
        }
    }

    private Outcome listed(Object answer, String items, String field) {
        if (answer instanceof Failed failed) {
            return failed;
        }
        TreeSet<String> models = new TreeSet<>();
        for (JsonNode item : ((JsonNode) answer).path(items)) {
            addName(models, item.path(field).asText(null), "");
        }
        return new Listed(List.copyOf(models));
    }

    /**
     * Names come from the upstream and end up in status and the routing table: only model names are kept, and at most
     * as many as spec.models may list, so an answer cannot bloat the Provider object.
     */
    private static void addName(TreeSet<String> into, String name, String prefix) {
        if (name == null) {
            return;
        }
        String model = name.startsWith(prefix) ? name.substring(prefix.length()) : name;
        if (model.length() <= MAX_NAME_LENGTH && MODEL_NAME.matcher(model).matches()) {
            into.add(model);
            if (into.size() > MAX_MODELS) {
                into.pollLast();
            }
        }
    }

    private Failed timedOut() {
        return new Failed("Timeout", "listing models failed: no complete answer within " + http.deadline().toSeconds() + "s");
    }

    private static Failed notAModelList() {
        return new Failed("InvalidResponse", "the upstream's answer is not a model list");
    }

    private static String bearer(String apiKey) {
        return apiKey == null ? null : "Bearer " + apiKey;
    }
}
