package dev.switchboard.gateway.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.upstream.ChunkedBody;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

class JsonFieldsTest {

    private static JsonFields scan(String json) throws JsonFields.Invalid {
        return JsonFields.scan(Buffer.buffer(json));
    }

    private static String text(JsonFields fields) {
        return fields.toBuffer().toString(StandardCharsets.UTF_8);
    }

    @Test
    void modelIsReplacedInPlaceAndEverythingElseIsKeptByteForByte() throws Exception {
        String json = "{\"messages\":[{\"role\":\"user\",\"content\":\"h\u00e9llo \uD83D\uDE80 \\\"model\\\"\"}],  \"model\" : \"gpt-4o\" ,\"n\":1}";
        JsonFields fields = scan(json);
        fields.replaceModel("upstream \"v2\" \u00e9");

        assertThat(fields.model).isEqualTo("gpt-4o");
        assertThat(text(fields)).isEqualTo(json.replace("\"gpt-4o\"", "\"upstream \\\"v2\\\" \u00e9\""));
        assertThat(new JsonObject(text(fields)).getString("model")).isEqualTo("upstream \"v2\" \u00e9");
    }

    @Test
    void withoutEditsTheBytesAreTheOriginal() throws Exception {
        String json = "{ \"model\": \"m\", \"stream\": true }";

        assertThat(text(scan(json))).isEqualTo(json);
    }

    @Test
    void streamAndUsageOptionsAreRead() throws Exception {
        JsonFields fields = scan("{\"model\":\"m\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}");

        assertThat(fields.stream).isEqualTo(Boolean.TRUE);
        assertThat(fields.includeUsageRequested()).isTrue();
        assertThat(scan("{\"stream\":\"yes\"}").stream).isSameAs(JsonFields.NOT_BOOLEAN);
        assertThat(scan("{\"model\":42}").model).isNull();
    }

    @Test
    void usageIsRequestedByInsertingOrAmendingStreamOptions() throws Exception {
        JsonFields absent = scan("{\"model\":\"m\",\"stream\":true}");
        absent.requestUsage();
        JsonFields other = scan("{\"model\":\"m\",\"stream_options\":{\"include_obfuscation\":false}}");
        other.requestUsage();
        JsonFields empty = scan(" { } ");
        empty.requestUsage();

        assertThat(new JsonObject(text(absent)).getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
        assertThat(new JsonObject(text(absent)).getString("model")).isEqualTo("m");
        assertThat(new JsonObject(text(other)).getJsonObject("stream_options").getMap())
                .containsEntry("include_usage", true).containsEntry("include_obfuscation", false);
        assertThat(new JsonObject(text(empty)).getJsonObject("stream_options").getBoolean("include_usage")).isTrue();
    }

    @Test
    void responsesYieldUsageChoicesAndErrors() throws Exception {
        JsonFields chunk = scan("{\"model\":\"u\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7,\"details\":{\"x\":1}}}");
        JsonFields withChoice = scan("{\"model\":\"u\",\"choices\":[{\"delta\":{}}],\"usage\":{\"prompt_tokens\":1}}");
        withChoice.hideUsage();

        assertThat(chunk.choices).isZero();
        assertThat(chunk.promptTokens).isEqualTo(5);
        assertThat(chunk.completionTokens).isEqualTo(7);
        assertThat(withChoice.choices).isEqualTo(1);
        assertThat(new JsonObject(text(withChoice)).getValue("usage")).isNull();
        assertThat(scan("{\"error\":{\"message\":\"x\"}}").error).isTrue();
        assertThat(scan("{\"error\":null}").error).isFalse();
    }

    /** The Responses API's usage names, as an untranslated /v1/responses answer reports them, and its output token cap. */
    @Test
    void responsesApiUsageAndMaxOutputTokensAreRead() throws Exception {
        JsonFields response = scan("{\"id\":\"resp_1\",\"model\":\"u\",\"usage\":{\"input_tokens\":9,"
                + "\"input_tokens_details\":{\"cached_tokens\":4},\"output_tokens\":3,\"output_tokens_details\":{\"reasoning_tokens\":1}}}");
        JsonFields request = scan("{\"model\":\"u\",\"input\":\"hi\",\"max_output_tokens\":64}");

        assertThat(response.promptTokens).isEqualTo(9);
        assertThat(response.cachedTokens).isEqualTo(4);
        assertThat(response.completionTokens).isEqualTo(3);
        assertThat(request.maxTokens).isEqualTo(64);
    }

    @Test
    void anythingButExactlyOneObjectIsInvalid() {
        assertThatThrownBy(() -> scan("[1,2]")).isInstanceOf(JsonFields.Invalid.class);
        assertThatThrownBy(() -> scan("{\"model\":\"m\"")).isInstanceOf(JsonFields.Invalid.class);
        assertThatThrownBy(() -> scan("{\"model\":\"m\"} {}")).isInstanceOf(JsonFields.Invalid.class);
        assertThatThrownBy(() -> scan("{\"messages\":[1,}")).isInstanceOf(JsonFields.Invalid.class);
        assertThatThrownBy(() -> scan("")).isInstanceOf(JsonFields.Invalid.class);
    }

    @Test
    void aRepeatedModelIsRejectedSoTheUpstreamCannotSeeAnUnroutedOne() {
        assertThatThrownBy(() -> scan("{\"model\":\"allowed\",\"model\":\"other\"}"))
                .isInstanceOf(JsonFields.Invalid.class).hasMessageContaining("duplicate field model");
        assertThatThrownBy(() -> scan("{\"stream\":false,\"stream\":true}")).isInstanceOf(JsonFields.Invalid.class);
    }

    @Test
    void aDocumentInChunksOrInsideALargerBufferIsEditedAtTheRightPlace() throws Exception {
        String json = "{\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}],\"model\":\"gpt-4o\",\"stream\":true}";
        ChunkedBody chunks = new ChunkedBody();
        for (int i = 0; i < json.length(); i += 7) {
            chunks.append(Buffer.buffer(json.substring(i, Math.min(json.length(), i + 7))));
        }
        Buffer inside = Buffer.buffer("xxxx" + json + "yyyy").slice(4, 4 + json.length());

        for (Buffer document : new Buffer[] { chunks.buffer(), inside }) {
            JsonFields fields = JsonFields.scan(document);
            assertThat(fields.model).isEqualTo("gpt-4o");
            assertThat(fields.toBufferWithModel("upstream").toString()).isEqualTo(json.replace("gpt-4o", "upstream"));
        }
    }

    @Test
    void aLargeDocumentIsEditedWithoutBeingCopied() throws Exception {
        String json = "{\"model\":\"gpt-4o\",\"input\":\"" + "a".repeat(200_000) + "\"}";
        Buffer original = Buffer.buffer(json);
        JsonFields fields = JsonFields.scan(original);

        Buffer edited = fields.toBufferWithModel("m");

        assertThat(edited.toString()).isEqualTo(json.replace("gpt-4o", "m"));
        // The long tail is the original's memory: changing it shows through.
        original.setByte(json.length() - 3, (byte) 'b');
        assertThat(edited.getByte(edited.length() - 3)).isEqualTo((byte) 'b');
    }

    @Test
    void nestingBeyondTheGatewaysLimitIsInvalidAndSaysWhy() {
        String deep = "{\"model\":\"m\",\"x\":" + "[".repeat(200) + "]".repeat(200) + "}";

        assertThatThrownBy(() -> scan(deep)).isInstanceOf(JsonFields.Invalid.class)
                .hasMessageContaining("nesting depth").hasMessageContaining("128").hasMessageNotContaining("StreamReadConstraints");
    }
}
