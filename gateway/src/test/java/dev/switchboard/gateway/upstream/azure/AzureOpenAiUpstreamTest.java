package dev.switchboard.gateway.upstream.azure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.gateway.upstream.UpstreamRequest;
import dev.switchboard.routing.PolicySettings;
import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

class AzureOpenAiUpstreamTest {

    private static UpstreamRequest request(String body, Operation operation) {
        UpstreamProvider provider = new UpstreamProvider("azure", "AzureOpenAI", "https://res.openai.azure.com/", "2024-10-21", null,
                new Timeouts(1, 1, 1, 1), null, null, null, null);
        return new UpstreamRequest(provider, "k", operation, Buffer.buffer(body), false, "r", provider.timeouts(), PolicySettings.DEFAULT_MAX_RESPONSE_BODY_BYTES);
    }

    @Test
    void deploymentUrlsCarryTheEncodedDeploymentAndApiVersion() {
        AzureAddressing addressing = new AzureAddressing();
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"x\",\"model\":\"inner\"}],\"model\":\"gpt 4o/eu\",\"stream\":true}";

        assertThat(addressing.url(request(body, Operation.CHAT)))
                .isEqualTo("https://res.openai.azure.com/openai/deployments/gpt%204o%2Feu/chat/completions?api-version=2024-10-21");
        assertThat(addressing.url(request("{\"model\":\"emb\"}", Operation.EMBEDDINGS)))
                .isEqualTo("https://res.openai.azure.com/openai/deployments/emb/embeddings?api-version=2024-10-21");
        RequestOptions options = new RequestOptions();
        addressing.authorize(options, "secret");
        assertThat(options.getHeaders().get("api-key")).isEqualTo("secret");
        assertThat(options.getHeaders().contains("authorization")).isFalse();
    }

    @Test
    void retryAfterMillisecondsBecomeWholeSeconds() {
        assertThat(AzureErrors.retryAfter(MultiMap.caseInsensitiveMultiMap().add("retry-after-ms", "2500"))).isEqualTo("3");
        assertThat(AzureErrors.retryAfter(MultiMap.caseInsensitiveMultiMap().add("retry-after-ms", "20"))).isEqualTo("1");
        assertThat(AzureErrors.retryAfter(MultiMap.caseInsensitiveMultiMap().add("retry-after", "6").add("retry-after-ms", "5200"))).isEqualTo("6");
        assertThat(AzureErrors.retryAfter(MultiMap.caseInsensitiveMultiMap())).isNull();
    }

    @Test
    void azureEnvelopesAreCompletedInOpenAiShape() {
        JsonObject envelope = AzureErrors.envelope(429, Buffer.buffer("{\"error\":{\"code\":429,\"message\":\"slow down\"}}"));
        assertThat(envelope.getJsonObject("error")).isEqualTo(new JsonObject().put("code", "429").put("message", "slow down")
                .put("type", "rate_limit_error").putNull("param"));

        JsonObject filtered = AzureErrors.envelope(400, Buffer.buffer(
                "{\"error\":{\"message\":\"filtered\",\"type\":null,\"param\":\"prompt\",\"code\":\"content_filter\",\"innererror\":{\"code\":\"ResponsibleAIPolicyViolation\"}}}"));
        assertThat(filtered.getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
        assertThat(filtered.getJsonObject("error").getJsonObject("innererror").getString("code")).isEqualTo("ResponsibleAIPolicyViolation");

        JsonObject notJson = AzureErrors.envelope(502, Buffer.buffer("<html>Bad Gateway</html>"));
        assertThat(notJson.getJsonObject("error").getString("code")).isEqualTo("upstream_http_502");
        assertThat(notJson.getJsonObject("error").getString("type")).isEqualTo("server_error");
    }
}
