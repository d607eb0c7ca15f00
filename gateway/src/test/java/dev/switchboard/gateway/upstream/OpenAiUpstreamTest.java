package dev.switchboard.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Timeouts;

class OpenAiUpstreamTest {

    private static UpstreamProvider provider(String type, String endpoint) {
        return new UpstreamProvider("p", type, endpoint, null, null, new Timeouts(1, 1, 1, 1), null, null, null, null);
    }

    @Test
    void ollamaIsServedThroughItsOpenAiCompatibleV1() {
        assertThat(OpenAiUpstream.baseUrl(provider("Ollama", "http://localhost:11434"))).isEqualTo("http://localhost:11434/v1");
        assertThat(OpenAiUpstream.baseUrl(provider("Ollama", "http://ollama:11434/v1/"))).isEqualTo("http://ollama:11434/v1");
    }

    @Test
    void openAiEndpointsAreUsedAsSdkBaseUrls() {
        assertThat(OpenAiUpstream.baseUrl(provider("OpenAI", "https://api.openai.com/v1"))).isEqualTo("https://api.openai.com/v1");
        assertThat(OpenAiUpstream.baseUrl(provider("OpenAICompatible", "http://vllm:8000/v1/"))).isEqualTo("http://vllm:8000/v1");
    }
}
