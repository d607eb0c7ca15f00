package dev.switchboard.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.dialect.Wire;
import dev.switchboard.routing.PolicySettings;
import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.RequestOptions;

class OpenAiUpstreamTest {

    private static UpstreamProvider provider(String type, String endpoint) {
        return new UpstreamProvider("p", type, endpoint, null, null, new Timeouts(1, 1, 1, 1), null, null, null, null);
    }

    private static UpstreamRequest request(String endpoint, Operation operation) {
        UpstreamProvider provider = provider("OpenAI", endpoint);
        return new UpstreamRequest(provider, "sk-1", operation, Buffer.buffer("{}"), false, "r", provider.timeouts(), PolicySettings.DEFAULT_MAX_RESPONSE_BODY_BYTES);
    }

    @Test
    void openAiEndpointsAreUsedAsSdkBaseUrls() {
        assertThat(Wire.baseUrl(provider("OpenAI", "https://api.openai.com/v1"))).isEqualTo("https://api.openai.com/v1");
        assertThat(Wire.baseUrl(provider("OpenAICompatible", "http://vllm:8000/v1/"))).isEqualTo("http://vllm:8000/v1");
    }

    @Test
    void openAiAddressingAppendsTheOperationAndSendsABearerToken() {
        assertThat(OpenAiUpstream.OPENAI.url(request("http://vllm:8000/v1/", Operation.CHAT))).isEqualTo("http://vllm:8000/v1/chat/completions");
        assertThat(OpenAiUpstream.OPENAI.url(request("https://api.openai.com/v1", Operation.EMBEDDINGS)))
                .isEqualTo("https://api.openai.com/v1/embeddings");
        RequestOptions options = new RequestOptions();
        OpenAiUpstream.OPENAI.authorize(options, "sk-1");
        assertThat(options.getHeaders().get("authorization")).isEqualTo("Bearer sk-1");
    }
}
