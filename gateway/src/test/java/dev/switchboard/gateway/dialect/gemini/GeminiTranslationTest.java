package dev.switchboard.gateway.dialect.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import dev.switchboard.gateway.dialect.Untranslatable;
import dev.switchboard.gateway.testing.OpenAiStream;
import dev.switchboard.routing.UpstreamProvider;
import dev.switchboard.routing.UpstreamProvider.Timeouts;
import dev.switchboard.gateway.upstream.Operation;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The pure translators: requests, schemas, responses, streams, errors, ids. No server involved. */
class GeminiTranslationTest {

    private static JsonObject json(String text) {
        return new JsonObject(text.replace('\'', '"'));
    }

    @Test
    void messagesBecomeContentsWithSystemInstructionAndMergedTurns() throws Untranslatable {
        JsonObject body = GeminiRequests.chat(json("""
                {'messages': [
                  {'role': 'system', 'content': 'rule one'},
                  {'role': 'user', 'content': 'a'},
                  {'role': 'user', 'content': [{'type': 'text', 'text': 'b'}]},
                  {'role': 'assistant', 'content': 'c', 'tool_calls': [
                    {'id': 'call_1', 'type': 'function', 'function': {'name': 'f', 'arguments': '{\\"x\\":1}'}},
                    {'id': 'call_2', 'type': 'function', 'function': {'name': 'g', 'arguments': ''}}]},
                  {'role': 'tool', 'tool_call_id': 'call_2', 'content': 'plain text'},
                  {'role': 'tool', 'tool_call_id': 'call_1', 'content': '[1,2]'},
                  {'role': 'developer', 'content': 'rule two'}]}"""), false);

        assertThat(body).isEqualTo(json("""
                {'systemInstruction': {'parts': [{'text': 'rule one'}, {'text': 'rule two'}]},
                 'contents': [
                  {'role': 'user', 'parts': [{'text': 'a'}, {'text': 'b'}]},
                  {'role': 'model', 'parts': [{'text': 'c'}, {'functionCall': {'name': 'f', 'args': {'x': 1}}},
                                               {'functionCall': {'name': 'g', 'args': {}}}]},
                  {'role': 'user', 'parts': [{'functionResponse': {'name': 'g', 'response': {'result': 'plain text'}}},
                                              {'functionResponse': {'name': 'f', 'response': {'result': [1, 2]}}}]}]}"""));
    }

    @Test
    void generationSettingsMap() throws Untranslatable {
        JsonObject body = GeminiRequests.chat(json("""
                {'messages': [{'role': 'user', 'content': 'x'}], 'stop': 'END', 'max_tokens': 9, 'max_completion_tokens': 12,
                 'temperature': 1.5, 'top_p': 0.5, 'seed': 3, 'presence_penalty': 0.1, 'frequency_penalty': 0.2, 'n': 3,
                 'user': 'u-1', 'response_format': {'type': 'json_object'}}"""), false);

        assertThat(body.getJsonObject("generationConfig")).isEqualTo(json("""
                {'stopSequences': ['END'], 'maxOutputTokens': 12, 'temperature': 1.5, 'topP': 0.5, 'presencePenalty': 0.1,
                 'frequencyPenalty': 0.2, 'seed': 3, 'candidateCount': 3, 'responseMimeType': 'application/json'}"""));
    }

    static Stream<Arguments> toolChoices() {
        return Stream.of(
                Arguments.of("'auto'", "{'mode': 'AUTO'}"),
                Arguments.of("'none'", "{'mode': 'NONE'}"),
                Arguments.of("'required'", "{'mode': 'ANY'}"),
                Arguments.of("{'type': 'function', 'function': {'name': 'f'}}", "{'mode': 'ANY', 'allowedFunctionNames': ['f']}"),
                Arguments.of("{'type': 'allowed_tools', 'allowed_tools': {'mode': 'required', 'tools': [{'type': 'function', 'function': {'name': 'f'}}]}}",
                        "{'mode': 'ANY', 'allowedFunctionNames': ['f']}"));
    }

    @ParameterizedTest
    @MethodSource("toolChoices")
    void toolChoiceBecomesFunctionCallingConfig(String choice, String expected) throws Untranslatable {
        JsonObject body = GeminiRequests.chat(json("{'messages': [{'role': 'user', 'content': 'x'}], 'tool_choice': " + choice
                + ", 'tools': [{'type': 'function', 'function': {'name': 'f', 'parameters': {'type': 'object', 'properties': {}}}}]}"), false);

        assertThat(body.getJsonObject("toolConfig")).isEqualTo(new JsonObject().put("functionCallingConfig", json(expected)));
        assertThat(body.getJsonArray("tools").getJsonObject(0).getJsonArray("functionDeclarations").getJsonObject(0))
                .as("an object schema without properties is a function without arguments").isEqualTo(json("{'name': 'f'}"));
    }

    @Test
    void schemasAreConvertedToGeminisSubset() throws Untranslatable {
        JsonObject converted = GeminiSchemas.convert(json("""
                {'$schema': 'https://json-schema.org/draft/2020-12/schema', 'type': 'object', 'additionalProperties': false,
                 'properties': {
                   'when': {'type': 'string', 'format': 'date-time'},
                   'mail': {'type': 'string', 'format': 'email', 'description': 'address'},
                   'maybe': {'type': ['integer', 'null'], 'minimum': 0},
                   'choice': {'oneOf': [{'type': 'string'}, {'type': 'number'}]},
                   'opt': {'anyOf': [{'$ref': '#/$defs/point'}, {'type': 'null'}]},
                   'kind': {'const': 'fixed'},
                   'tags': {'type': 'array', 'items': {'enum': ['a', 'b']}, 'maxItems': 3}},
                 'required': ['when'],
                 '$defs': {'point': {'type': 'object', 'properties': {'x': {'type': 'number'}}}}}"""), "p");

        assertThat(converted).isEqualTo(json("""
                {'type': 'OBJECT',
                 'properties': {
                   'when': {'type': 'STRING', 'format': 'date-time'},
                   'mail': {'type': 'STRING', 'description': 'address'},
                   'maybe': {'type': 'INTEGER', 'nullable': true, 'minimum': 0},
                   'choice': {'anyOf': [{'type': 'STRING'}, {'type': 'NUMBER'}]},
                   'opt': {'type': 'OBJECT', 'properties': {'x': {'type': 'NUMBER'}}, 'nullable': true},
                   'kind': {'enum': ['fixed'], 'type': 'STRING'},
                   'tags': {'type': 'ARRAY', 'items': {'enum': ['a', 'b'], 'type': 'STRING'}, 'maxItems': 3}},
                 'required': ['when']}"""));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{'type': 'number', 'multipleOf': 2}|`multipleOf`",
        "{'type': 'number', 'exclusiveMinimum': 0}|`exclusiveMinimum`",
        "{'allOf': [{'type': 'string'}]}|`allOf`",
        "{'type': 'array', 'items': [{'type': 'string'}]}|tuple",
        "{'type': 'object', 'additionalProperties': {'type': 'string'}}|map types",
        "{'enum': [1, 2]}|non-string",
        "{'type': 'object', 'properties': {'self': {'$ref': '#'}}}|recursive",
        "{'type': 'object', 'properties': {'n': {'$ref': '#/$defs/n'}}, '$defs': {'n': {'type': 'object', 'properties': {'next': {'$ref': '#/$defs/n'}}}}}|recursive",
        "{'type': ['string', 'number']}|several non-null types"})
    void schemaKeywordsWithoutAGeminiEquivalentAreRefused(String schema, String named) {
        assertThatThrownBy(() -> GeminiSchemas.convert(json(schema), "tools[0].function.parameters"))
                .isInstanceOfSatisfying(Untranslatable.class, e -> {
                    assertThat(e.getMessage()).contains(named);
                    assertThat(e.error().code()).isEqualTo("unsupported_feature");
                    assertThat(e.error().param()).isEqualTo("tools[0].function.parameters");
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "data:image/webp;base64,AAAA|{'inlineData': {'mimeType': 'image/webp', 'data': 'AAAA'}}",
        "https://img.example.com/a/b.PNG?size=2|{'fileData': {'mimeType': 'image/png', 'fileUri': 'https://img.example.com/a/b.PNG?size=2'}}"})
    void imagesAreInlineOrFetchedByGemini(String url, String part) throws Untranslatable {
        assertThat(GeminiRequests.Media.image(new JsonObject().put("url", url), "p")).isEqualTo(json(part));
    }

    @ParameterizedTest
    @CsvSource({"http://example.com/a.png", "https://example.com/image", "ftp://example.com/a.png"})
    void imageUrlsGeminiCannotFetchAreRefused(String url) {
        assertThatThrownBy(() -> GeminiRequests.Media.image(new JsonObject().put("url", url), "p"))
                .isInstanceOf(Untranslatable.class).hasMessageContaining("Gemini");
    }

    @Test
    void audioAndFilesGoInline() throws Untranslatable {
        JsonObject body = GeminiRequests.chat(json("""
                {'messages': [{'role': 'user', 'content': [
                  {'type': 'input_audio', 'input_audio': {'data': 'UklG', 'format': 'wav'}},
                  {'type': 'file', 'file': {'filename': 'a.pdf', 'file_data': 'data:application/pdf;base64,JVBE'}}]}]}"""), false);

        assertThat(body.getJsonArray("contents").getJsonObject(0).getJsonArray("parts")).isEqualTo(new JsonArray()
                .add(json("{'inlineData': {'mimeType': 'audio/wav', 'data': 'UklG'}}"))
                .add(json("{'inlineData': {'mimeType': 'application/pdf', 'data': 'JVBE'}}")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{'logprobs': true}|logprobs",
        "{'top_logprobs': 3}|logprobs",
        "{'logit_bias': {'12': 5}}|logit_bias",
        "{'audio': {'voice': 'alloy'}}|audio",
        "{'modalities': ['text', 'audio']}|modalities",
        "{'functions': [{'name': 'f'}]}|functions",
        "{'reasoning_effort': 'extreme'}|reasoning_effort",
        "{'response_format': {'type': 'grammar'}}|response_format"})
    void untranslatableFieldsAreRefused(String extra, String param) {
        JsonObject request = json(extra).put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "x")));

        assertThatThrownBy(() -> GeminiRequests.chat(request, false)).isInstanceOfSatisfying(Untranslatable.class,
                e -> assertThat(e.error().param()).isEqualTo(param));
    }

    @Test
    void completionsPromptIsOneUserTurnWithOpenAisDefaultLength() throws Untranslatable {
        assertThat(GeminiRequests.completion(json("{'prompt': ['say hi'], 'stop': ['\\n']}"), false)).isEqualTo(json("""
                {'contents': [{'role': 'user', 'parts': [{'text': 'say hi'}]}],
                 'generationConfig': {'stopSequences': ['\\n'], 'maxOutputTokens': 16}}"""));
        assertThatThrownBy(() -> GeminiRequests.completion(json("{'prompt': ['a', 'b']}"), false)).isInstanceOf(Untranslatable.class);
        assertThatThrownBy(() -> GeminiRequests.completion(json("{'prompt': 'a', 'echo': true}"), false)).isInstanceOf(Untranslatable.class);
        assertThatThrownBy(() -> GeminiRequests.completion(json("{'prompt': 'a', 'suffix': 'z'}"), false)).isInstanceOf(Untranslatable.class);
    }

    @ParameterizedTest
    @CsvSource({"STOP,false,stop", "STOP,true,tool_calls", "MAX_TOKENS,false,length", "SAFETY,false,content_filter",
        "RECITATION,false,content_filter", "BLOCKLIST,false,content_filter", "PROHIBITED_CONTENT,false,content_filter",
        "SPII,false,content_filter", "OTHER,false,stop", "MALFORMED_FUNCTION_CALL,false,stop"})
    void finishReasons(String gemini, boolean calledFunctions, String openAi) {
        assertThat(GeminiResponses.finishReason(gemini, calledFunctions)).isEqualTo(openAi);
    }

    @Test
    void responseWithTextToolCallsThoughtsAndUsage() {
        JsonObject gemini = json("""
                {'responseId': 'r1', 'candidates': [{'index': 0, 'finishReason': 'STOP', 'content': {'role': 'model', 'parts': [
                  {'text': 'thinking...', 'thought': true}, {'text': 'Let me check. '}, {'text': 'Done.'},
                  {'functionCall': {'name': 'f', 'args': {'a': 1}}, 'thoughtSignature': 'c2ln'}]}}],
                 'usageMetadata': {'promptTokenCount': 10, 'candidatesTokenCount': 4, 'thoughtsTokenCount': 6,
                  'cachedContentTokenCount': 8, 'totalTokenCount': 20}}""");

        JsonObject out = GeminiResponses.chatCompletion(gemini, "m", "req", 42);

        JsonObject message = out.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
        assertThat(message.getString("content")).isEqualTo("Let me check. Done.");
        JsonObject call = message.getJsonArray("tool_calls").getJsonObject(0);
        assertThat(call.getJsonObject("function")).isEqualTo(json("{'name': 'f', 'arguments': '{\\\"a\\\":1}'}"));
        assertThat(ToolCallIds.signature(call.getString("id"))).isEqualTo("c2ln");
        assertThat(out.getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("tool_calls");
        assertThat(out.getJsonObject("usage")).isEqualTo(json("""
                {'prompt_tokens': 10, 'completion_tokens': 10, 'total_tokens': 20,
                 'prompt_tokens_details': {'cached_tokens': 8}, 'completion_tokens_details': {'reasoning_tokens': 6}}"""));
        assertThat(GeminiResponses.chatCompletion(gemini, "m", "req", 42)).as("ids are stable").isEqualTo(out);
    }

    private static String geminiEvents() {
        return """
                data: {"responseId":"r9","candidates":[{"content":{"role":"model","parts":[{"text":"Hel"}]},"index":0}],"usageMetadata":{"promptTokenCount":3,"totalTokenCount":3}}\r
                \r
                data: {"responseId":"r9","candidates":[{"content":{"role":"model","parts":[{"text":"lo"}]},"index":0}]}\r
                \r
                data: {"responseId":"r9","candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"a","args":{}}},{"functionCall":{"name":"b","args":{"x":"y"}}}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":4,"totalTokenCount":7}}\r
                \r
                """;
    }

    @Test
    void streamsAreTranslatedInOpenAisOrderHoweverTheBytesAreSplit() {
        String events = geminiEvents();
        for (int split : new int[] {1, 7, 64, events.length()}) {
            StringBuilder out = new StringBuilder();
            GeminiStream stream = new GeminiStream(b -> out.append(b.toString()), "m", "req", 1, true, true);
            for (int i = 0; i < events.length(); i += split) {
                stream.feed(Buffer.buffer(events.substring(i, Math.min(events.length(), i + split))));
            }
            stream.end();

            OpenAiStream parsed = OpenAiStream.parse(out.toString());
            assertThat(parsed.done).isTrue();
            JsonObject completion = parsed.assemble();
            JsonObject message = completion.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
            assertThat(message.getString("content")).isEqualTo("Hello");
            List<String> names = new ArrayList<>();
            message.getJsonArray("tool_calls").forEach(c -> names.add(((JsonObject) c).getJsonObject("function").getString("name")));
            assertThat(names).containsExactly("a", "b");
            assertThat(completion.getJsonArray("choices").getJsonObject(0).getString("finish_reason")).isEqualTo("tool_calls");
            assertThat(completion.getJsonObject("usage").getInteger("total_tokens")).isEqualTo(7);
            assertThat(parsed.chunks.get(0).getString("id")).isEqualTo("chatcmpl-r9");
        }
    }

    @Test
    void aStreamWithoutFinishReasonGetsNoDone() {
        StringBuilder out = new StringBuilder();
        GeminiStream stream = new GeminiStream(b -> out.append(b.toString()), "m", "req", 1, true, false);
        stream.feed(Buffer.buffer(geminiEvents().substring(0, geminiEvents().indexOf("data:", 10))));
        stream.end();

        assertThat(out.toString()).contains("Hel").doesNotContain("[DONE]");
    }

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of(429, "RESOURCE_EXHAUSTED", "[{'@type': 'type.googleapis.com/google.rpc.RetryInfo', 'retryDelay': '34.1s'}]", 429, "rate_limit_exceeded", "35"),
                Arguments.of(429, "RESOURCE_EXHAUSTED", "[]", 429, "rate_limit_exceeded", "9"),
                Arguments.of(503, "UNAVAILABLE", "[]", 503, "unavailable", "9"),
                Arguments.of(400, "INVALID_ARGUMENT", "[]", 400, "invalid_argument", null),
                Arguments.of(400, "FAILED_PRECONDITION", "[]", 400, "failed_precondition", null),
                Arguments.of(400, "INVALID_ARGUMENT", "[{'@type': 'type.googleapis.com/google.rpc.ErrorInfo', 'reason': 'API_KEY_INVALID'}]", 401, "invalid_argument", null),
                Arguments.of(401, "UNAUTHENTICATED", "[]", 401, "unauthenticated", null),
                Arguments.of(403, "PERMISSION_DENIED", "[]", 403, "permission_denied", null),
                Arguments.of(404, "NOT_FOUND", "[]", 404, "not_found", null),
                Arguments.of(500, "INTERNAL", "[]", 500, "internal", null),
                Arguments.of(504, "DEADLINE_EXCEEDED", "[]", 504, "deadline_exceeded", null));
    }

    @ParameterizedTest(name = "{1} → {3}")
    @MethodSource("errors")
    void googleErrorsBecomeOpenAiErrors(int http, String status, String details, int mapped, String code, String retryAfter) {
        Buffer body = Buffer.buffer(json("{'error': {'code': " + http + ", 'message': 'msg', 'status': '" + status + "', 'details': " + details + "}}").encode());

        GeminiErrors.Mapped out = GeminiErrors.map(http, body, "9");

        assertThat(out.status()).isEqualTo(mapped);
        assertThat(out.envelope().getJsonObject("error").getString("code")).isEqualTo(code);
        assertThat(out.envelope().getJsonObject("error").getString("message")).isEqualTo("msg");
        assertThat(out.retryAfter()).isEqualTo(retryAfter);
    }

    /**
     * A retryDelay is believed only in protobuf's Duration format and up to an hour: an exponent ("1e999999999s"
     * would make the parser write a billion digits), an overlong number or a negative one falls back to the
     * upstream's Retry-After header.
     */
    @ParameterizedTest(name = "{0} → {1}")
    @org.junit.jupiter.params.provider.CsvSource({"1e9s, 9", "99999999999999s, 9", "-5s, 9", "NaNs, 9", "' 3s', 9", "3.000000001s, 4", "3.0000000001s, 9",
            "7200s, 3600", "0.2s, 1"})
    void aHostileRetryDelayIsBounded(String delay, String retryAfter) {
        Buffer body = Buffer.buffer(json("{'error': {'code': 429, 'message': 'msg', 'status': 'RESOURCE_EXHAUSTED', 'details': "
                + "[{'@type': 'type.googleapis.com/google.rpc.RetryInfo', 'retryDelay': '" + delay + "'}]}}").encode());

        assertThat(GeminiErrors.map(429, body, "9").retryAfter()).isEqualTo(retryAfter);
    }

    @Test
    void aNonGoogleErrorBodyKeepsItsStatus() {
        GeminiErrors.Mapped out = GeminiErrors.map(502, Buffer.buffer("<html>bad gateway</html>"), null);

        assertThat(out.status()).isEqualTo(502);
        assertThat(out.envelope().getJsonObject("error").getString("code")).isEqualTo("upstream_http_502");
    }

    @Test
    void embeddingRequestsRefuseTokenArrays() throws Untranslatable {
        assertThat(GeminiEmbeddings.request(json("{'input': 'a', 'dimensions': 3}"), "e")).isEqualTo(json("""
                {'requests': [{'model': 'models/e', 'content': {'parts': [{'text': 'a'}]}, 'outputDimensionality': 3}]}"""));
        assertThatThrownBy(() -> GeminiEmbeddings.request(json("{'input': [[1, 2, 3]]}"), "e"))
                .isInstanceOf(Untranslatable.class).hasMessageContaining("token arrays");
    }

    @Test
    void toolCallIdsAreStableAndCarryTheSignature() {
        String id = ToolCallIds.id("r", 0, "f", "{}", "AbC+/=");

        assertThat(id).isEqualTo(ToolCallIds.id("r", 0, "f", "{}", "AbC+/="));
        assertThat(id).isNotEqualTo(ToolCallIds.id("r", 1, "f", "{}", "AbC+/="));
        assertThat(ToolCallIds.signature(id)).isEqualTo("AbC+/=");
        assertThat(ToolCallIds.signature(ToolCallIds.id("r", 0, "f", "{}", null))).isNull();
        assertThat(ToolCallIds.signature("call_from_someone_else")).isNull();
    }

    @ParameterizedTest
    @CsvSource({"gemini-2.5-flash,CHAT,false,http://g/v1beta/models/gemini-2.5-flash:generateContent",
        "gemini-2.5-flash,CHAT,true,http://g/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
        "tunedModels/my-model,COMPLETIONS,false,http://g/v1beta/tunedModels/my-model:generateContent",
        "gemini-embedding-001,EMBEDDINGS,false,http://g/v1beta/models/gemini-embedding-001:batchEmbedContents"})
    void urlsNeverCarryTheKey(String model, Operation operation, boolean stream, String url) {
        UpstreamProvider provider = new UpstreamProvider("g", "Gemini", "http://g/", null, null, new Timeouts(1, 1, 1, 1), null, null, null, null);

        assertThat(GeminiUpstream.url(provider, model, operation, stream)).isEqualTo(url);
    }
}
