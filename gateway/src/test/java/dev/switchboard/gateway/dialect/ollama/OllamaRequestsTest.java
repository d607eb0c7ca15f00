package dev.switchboard.gateway.dialect.ollama;

import dev.switchboard.gateway.dialect.Untranslatable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

class OllamaRequestsTest {

    private static JsonObject chat(JsonObject... messages) {
        return new JsonObject().put("model", "llama3.1").put("messages", new JsonArray(java.util.List.of((Object[]) messages)));
    }

    private static JsonObject message(String role, Object content) {
        return new JsonObject().put("role", role).put("content", content);
    }

    @Test
    void messagesKeepTheirRolesAndDeveloperBecomesSystem() throws Untranslatable {
        JsonObject ollama = OllamaRequests.chat(chat(message("developer", "rules"), message("user", "hi"),
                message("assistant", "hello"), message("user", "again")), true);

        assertThat(ollama.getJsonArray("messages")).containsExactly(message("system", "rules"), message("user", "hi"),
                message("assistant", "hello"), message("user", "again"));
        assertThat(ollama.getBoolean("stream")).isTrue();
        assertThat(ollama.containsKey("options")).isFalse();
    }

    @Test
    void contentPartsSplitIntoTextAndBase64Images() throws Untranslatable {
        JsonArray parts = new JsonArray()
                .add(new JsonObject().put("type", "text").put("text", "look"))
                .add(new JsonObject().put("type", "image_url").put("image_url", new JsonObject().put("url", "data:image/webp;base64,UklGRg==").put("detail", "low")))
                .add(new JsonObject().put("type", "text").put("text", "closely"));
        JsonObject sent = OllamaRequests.chat(chat(message("user", parts)), false).getJsonArray("messages").getJsonObject(0);

        assertThat(sent.getString("content")).isEqualTo("look\nclosely");
        assertThat(sent.getJsonArray("images")).containsExactly("UklGRg==");
    }

    @Test
    void toolCallArgumentsBecomeObjectsAndToolResultsNameTheirTool() throws Untranslatable {
        JsonObject assistant = new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", new JsonArray()
                .add(new JsonObject().put("id", "c1").put("type", "function")
                        .put("function", new JsonObject().put("name", "lookup").put("arguments", "{\"q\":\"x\",\"n\":2}")))
                .add(new JsonObject().put("id", "c2").put("type", "function")
                        .put("function", new JsonObject().put("name", "clock").put("arguments", ""))));
        JsonArray messages = OllamaRequests.chat(chat(message("user", "go"), assistant,
                new JsonObject().put("role", "tool").put("tool_call_id", "c2").put("content", "noon"),
                new JsonObject().put("role", "tool").put("tool_call_id", "c1")
                        .put("content", new JsonArray().add(new JsonObject().put("type", "text").put("text", "found")))), false)
                .getJsonArray("messages");

        assertThat(messages.getJsonObject(1).getString("content")).isEmpty();
        assertThat(messages.getJsonObject(1).getJsonArray("tool_calls")).containsExactly(
                new JsonObject().put("function", new JsonObject().put("name", "lookup").put("arguments", new JsonObject().put("q", "x").put("n", 2))),
                new JsonObject().put("function", new JsonObject().put("name", "clock").put("arguments", new JsonObject())));
        assertThat(messages.getJsonObject(2)).isEqualTo(new JsonObject().put("role", "tool").put("content", "noon").put("tool_name", "clock"));
        assertThat(messages.getJsonObject(3)).isEqualTo(new JsonObject().put("role", "tool").put("content", "found").put("tool_name", "lookup"));
    }

    @Test
    void toolsSamplingAndFormatTranslate() throws Untranslatable {
        JsonObject tool = new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "f")
                .put("description", "does f").put("parameters", new JsonObject().put("type", "object")));
        JsonObject ollama = OllamaRequests.chat(chat(message("user", "x")).put("tools", new JsonArray().add(tool)).put("tool_choice", "auto")
                .put("temperature", 0).put("top_p", 1).put("stop", new JsonArray().add("a").add("b")).put("max_tokens", 5)
                .put("max_completion_tokens", 9).put("seed", 3).put("response_format", new JsonObject().put("type", "json_object"))
                .put("stream_options", new JsonObject().put("include_usage", true)).put("n", 1).put("logprobs", false)
                .put("parallel_tool_calls", true), false);

        assertThat(ollama.getJsonArray("tools")).containsExactly(tool);
        assertThat(ollama.getValue("format")).isEqualTo("json");
        assertThat(ollama.getJsonObject("options")).isEqualTo(new JsonObject().put("temperature", 0).put("top_p", 1)
                .put("seed", 3L).put("stop", new JsonArray().add("a").add("b")).put("num_predict", 9));
        assertThat(ollama.fieldNames()).containsExactlyInAnyOrder("model", "messages", "stream", "tools", "format", "options");
    }

    @Test
    void anEarlierRefusalIsWhatTheAssistantSaid() throws Untranslatable {
        JsonObject refusal = new JsonObject().put("role", "assistant").putNull("content").put("refusal", "I cannot help with that.");
        JsonObject sent = OllamaRequests.chat(chat(message("user", "x"), refusal, message("user", "y")), false)
                .getJsonArray("messages").getJsonObject(1);

        assertThat(sent).isEqualTo(message("assistant", "I cannot help with that."));
    }

    @Test
    void toolChoiceNoneWithholdsTheTools() throws Untranslatable {
        JsonObject tool = new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "f"));
        JsonObject ollama = OllamaRequests.chat(chat(message("user", "x")).put("tools", new JsonArray().add(tool)).put("tool_choice", "none"), false);

        assertThat(ollama.containsKey("tools")).isFalse();
    }

    static Stream<Arguments> refused() {
        JsonObject imageUrl = message("user", new JsonArray().add(new JsonObject().put("type", "image_url")
                .put("image_url", new JsonObject().put("url", "http://x/cat.png"))));
        JsonObject systemImage = message("system", new JsonArray().add(new JsonObject().put("type", "image_url")
                .put("image_url", new JsonObject().put("url", "data:image/png;base64,AA=="))));
        JsonObject badArguments = new JsonObject().put("role", "assistant").put("tool_calls", new JsonArray().add(new JsonObject()
                .put("id", "c").put("type", "function").put("function", new JsonObject().put("name", "f").put("arguments", "[1,2]"))));
        JsonObject strictTool = new JsonObject().put("type", "function").put("function", new JsonObject().put("name", "f").put("strict", true));
        return Stream.of(
                Arguments.of(chat(imageUrl), "messages[0].content[0].image_url.url", "unsupported_feature"),
                Arguments.of(chat(systemImage), "messages[0].content[0]", "unsupported_feature"),
                Arguments.of(chat(message("user", "x"), badArguments), "messages[1].tool_calls[0].function.arguments", null),
                Arguments.of(chat(message("function", "x")), "messages[0].role", "unsupported_feature"),
                Arguments.of(chat(message("user", "x")).put("tools", new JsonArray().add(strictTool)), "tools[0].function.strict", "unsupported_feature"),
                Arguments.of(chat(message("user", "x")).put("tool_choice", new JsonObject().put("type", "function")), "tool_choice", "unsupported_feature"),
                Arguments.of(chat(message("user", "x")).put("n", 3), "n", "unsupported_feature"),
                Arguments.of(chat(message("user", "x")).put("prediction", new JsonObject()), "prediction", "unsupported_feature"),
                Arguments.of(chat(message("user", "x")).put("modalities", new JsonArray().add("text").add("audio")), "modalities", "unsupported_feature"),
                Arguments.of(chat(message("user", "x")).put("response_format", new JsonObject().put("type", "json_schema")), "response_format.json_schema.schema", null),
                Arguments.of(chat(message("user", "x"), new JsonObject().put("role", "assistant").put("audio", new JsonObject().put("id", "a1"))),
                        "messages[1].audio", "unsupported_feature"),
                Arguments.of(chat(), "messages", null));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void untranslatableRequestsAreRefusedNamingTheField(JsonObject request, String param, String code) {
        assertThatThrownBy(() -> OllamaRequests.chat(request, false)).isInstanceOfSatisfying(Untranslatable.class, refused -> {
            assertThat(refused.error().status()).isEqualTo(400);
            assertThat(refused.error().param()).isEqualTo(param);
            assertThat(refused.error().code()).isEqualTo(code);
        });
    }

    @Test
    void completionsAndEmbeddings() throws Untranslatable {
        JsonObject generate = OllamaRequests.generate(new JsonObject().put("model", "m").put("prompt", new JsonArray().add("p"))
                .put("suffix", "s").put("max_tokens", 4).put("echo", false), true);
        assertThat(generate).isEqualTo(new JsonObject().put("model", "m").put("prompt", "p").put("stream", true).put("suffix", "s")
                .put("options", new JsonObject().put("num_predict", 4)));
        assertThatThrownBy(() -> OllamaRequests.generate(new JsonObject().put("model", "m").put("prompt", new JsonArray().add("a").add("b")), false))
                .isInstanceOf(Untranslatable.class);

        assertThat(OllamaRequests.embed(new JsonObject().put("model", "e").put("input", "t").put("encoding_format", "float").put("user", "u")))
                .isEqualTo(new JsonObject().put("model", "e").put("input", "t"));
        assertThatThrownBy(() -> OllamaRequests.embed(new JsonObject().put("model", "e").put("input", new JsonArray().add(new JsonArray().add(1)))))
                .isInstanceOfSatisfying(Untranslatable.class, r -> assertThat(r.error().message()).contains("Token-array input"));
    }
}
