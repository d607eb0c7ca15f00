package dev.switchboard.gateway.capability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.switchboard.gateway.dialect.ApiError;
import dev.switchboard.gateway.upstream.Operation;
import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Capabilities;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import io.vertx.core.buffer.Buffer;

/** Feature detection from OpenAI requests and the check against declared capabilities. */
class CapabilityCheckTest {

    private static final String IMAGE = "{'messages': [{'role': 'user', 'content': [{'type': 'text', 'text': 'x'}, "
            + "{'type': 'image_url', 'image_url': {'url': 'data:image/png;base64,AA=='}}]}]}";

    private static UpstreamProvider provider(List<String> unsupported, Map<String, List<String>> models) {
        return new UpstreamProvider("p", "OpenAICompatible", "http://p", null, null, new Timeouts(1, 1, 1, 1), null, null, null, null,
                new Capabilities(unsupported, models));
    }

    private static RequestFeatures request(Operation operation, boolean stream, String body) {
        return RequestFeatures.of(operation, stream, Buffer.buffer(body.replace('\'', '"')));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "CHAT|false|{'messages': [{'role': 'user', 'content': 'x'}]}|CHAT",
        "COMPLETIONS|true|{'prompt': 'x'}|COMPLETIONS STREAMING",
        "EMBEDDINGS|false|{'input': 'x'}|EMBEDDINGS",
        "CHAT|false|" + IMAGE + "|CHAT IMAGES",
        "CHAT|false|{'messages': [{'role': 'user', 'content': [{'type': 'input_audio', 'input_audio': {}}, {'type': 'file', 'file': {}}]}]}|CHAT AUDIO FILES",
        "CHAT|false|{'messages': [], 'tools': [{'type': 'function', 'function': {'name': 'f'}}]}|CHAT TOOLS",
        "CHAT|false|{'messages': [{'role': 'tool', 'tool_call_id': 'a', 'content': '1'}], 'tools': []}|CHAT TOOLS",
        "CHAT|true|{'messages': [], 'response_format': {'type': 'json_object'}}|CHAT STREAMING JSON_MODE",
        "CHAT|false|{'messages': [], 'response_format': {'type': 'json_schema', 'json_schema': {}}}|CHAT JSON_SCHEMA",
        "CHAT|false|{'messages': [], 'response_format': {'type': 'text'}, 'tools': []}|CHAT"})
    void featuresAreDetected(Operation operation, boolean stream, String body, String expected) {
        RequestFeatures features = request(operation, stream, body);
        List<String> used = java.util.Arrays.stream(Feature.values()).filter(features::uses).map(Feature::name).toList();

        assertThat(String.join(" ", used)).isEqualTo(expected);
    }

    /** A Responses request, as /v1/responses reads it for the check whichever target serves it. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "false|{'input': 'x'}|CHAT",
        "true|{'input': [{'role': 'user', 'content': [{'type': 'input_text', 'text': 'x'}, {'type': 'input_image', 'image_url': 'data:,'}]}]}|CHAT STREAMING IMAGES",
        "false|{'input': [{'role': 'user', 'content': [{'type': 'input_file', 'file_data': 'data:,'}]}]}|CHAT FILES",
        "false|{'input': 'x', 'tools': [{'type': 'web_search'}]}|CHAT TOOLS",
        "false|{'input': [{'type': 'function_call_output', 'call_id': 'c', 'output': '1'}]}|CHAT TOOLS",
        "false|{'input': 'x', 'text': {'verbosity': 'low', 'format': {'type': 'json_schema', 'name': 'n', 'schema': {}}}}|CHAT JSON_SCHEMA",
        "false|{'input': 'x', 'text': {'format': {'type': 'json_object'}}, 'tools': []}|CHAT JSON_MODE"})
    void responsesFeaturesAreDetected(boolean stream, String body, String expected) {
        RequestFeatures features = RequestFeatures.ofResponses(stream, Buffer.buffer(body.replace('\'', '"')));
        List<String> used = java.util.Arrays.stream(Feature.values()).filter(features::uses).map(Feature::name).toList();

        assertThat(String.join(" ", used)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Images,Tools|any-model|IMAGES",
        "Tools|any-model|",
        "Images|vision|",
        "Streaming,Images|any-model|STREAMING"})
    void theFirstUnsupportedFeatureIsNamed(String unsupported, String model, String expected) {
        UpstreamProvider provider = provider(List.of(unsupported.split(",")), Map.of("vision", List.of()));
        RequestFeatures features = request(Operation.CHAT, unsupported.contains("Streaming"), IMAGE);

        Feature found = CapabilityCheck.firstUnsupported(features, provider, model);

        assertThat(found == null ? null : found.name()).isEqualTo(expected);
    }

    @Test
    void aProviderWithoutDeclarationsServesEverythingWithoutParsingTheBody() {
        UpstreamProvider plain = new UpstreamProvider("p", "OpenAI", "http://p", null, null, new Timeouts(1, 1, 1, 1), null, null, null, null);

        assertThat(CapabilityCheck.firstUnsupported(RequestFeatures.of(Operation.CHAT, true, Buffer.buffer("not json")), plain, "m")).isNull();
    }

    @ParameterizedTest
    @CsvSource({"IMAGES,messages,image input", "TOOLS,tools,tools (function calling)", "JSON_SCHEMA,response_format,structured outputs"})
    void theRefusalIsAnOpenAiInvalidRequestNamingFeatureAndModel(Feature feature, String param, String words) {
        ApiError error = CapabilityCheck.refusal(feature, "public-model");

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.code()).isEqualTo("unsupported_feature");
        assertThat(error.param()).isEqualTo(param);
        assertThat(error.message()).contains("`public-model`").contains(words);
    }

    @Test
    void theGatewaysFeaturesAreExactlyTheTablesFeatures() {
        assertThat(java.util.Arrays.stream(Feature.values()).map(Feature::tableName)).containsExactlyElementsOf(Capabilities.FEATURES);
    }
}
