package dev.switchboard.gateway.dialect.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.UnauthorizedException;
import com.openai.errors.BadRequestException;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.Reasoning;
import com.openai.models.ReasoningEffort;
import com.openai.models.responses.EasyInputMessage;
import com.openai.models.responses.FunctionTool;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseInputItem;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseReasoningItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.StructuredResponse;
import com.openai.models.responses.WebSearchTool;

import dev.switchboard.gateway.testing.AnthropicSimulator;
import dev.switchboard.gateway.testing.AzureOpenAiSimulator;
import dev.switchboard.gateway.testing.OpenAiSimulator;
import dev.switchboard.gateway.testing.ResponsesTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * The official OpenAI Java SDK's Responses API through the gateway against a simulator of every provider type: create,
 * stream (the SDK's accumulator rebuilding the response from the events), a function-calling round trip, structured
 * output; refusals reaching the SDK as typed errors; a failover between an untranslated and a translated target.
 */
@QuarkusTest
@QuarkusTestResource(value = ResponsesTestResource.class, restrictToAnnotatedClass = true)
class ResponsesSdkTest {

    @TestHTTPResource("/v1")
    URL v1;

    OpenAIClient client;

    /** The structured output the SDK derives a JSON schema from and parses the answer into. */
    public static class City {
        public String name;
        public int population;
    }

    @BeforeEach
    void connect() {
        client = OpenAIOkHttpClient.builder().baseUrl(v1.toString()).apiKey(ResponsesTestResource.CLIENT_KEY).maxRetries(0).build();
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    static List<String> types() {
        return ResponsesTestResource.TYPES;
    }

    private static FunctionTool weatherTool() {
        return FunctionTool.builder().name("get_weather").description("Weather for a city").strict(false)
                .parameters(FunctionTool.Parameters.builder()
                        .putAdditionalProperty("type", JsonValue.from("object"))
                        .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                        .build())
                .build();
    }

    private static String text(Response response) {
        StringBuilder text = new StringBuilder();
        for (ResponseOutputItem item : response.output()) {
            item.message().ifPresent(message -> message.content().forEach(part -> part.outputText().ifPresent(t -> text.append(t.text()))));
        }
        return text.toString();
    }

    @ParameterizedTest
    @MethodSource("types")
    void create(String type) {
        Response response = client.responses().create(ResponseCreateParams.builder().model("resp-" + type)
                .instructions("Be brief.").input("hello responses").maxOutputTokens(200L).build());

        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        assertThat(response.model().asString()).isEqualTo("resp-" + type);
        assertThat(text(response)).isNotEmpty();
        if (!type.equals("simulated")) {
            assertThat(text(response)).contains("hello responses");
        }
        assertThat(response.usage().orElseThrow().inputTokens()).isPositive();
        assertThat(response.usage().orElseThrow().outputTokens()).isPositive();
        switch (type) {
            case "openai" -> {
                // Untranslated: the client's request with the target's model, at OpenAI's Responses endpoint.
                OpenAiSimulator.Received received = ResponsesTestResource.openAi().last();
                assertThat(received.path()).isEqualTo("/v1/responses");
                assertThat(received.body().getString("model")).isEqualTo("gpt-sim");
                assertThat(received.body().getString("instructions")).isEqualTo("Be brief.");
            }
            case "azure" -> {
                AzureOpenAiSimulator.Received received = ResponsesTestResource.azure().last();
                assertThat(received.path()).isEqualTo("/openai/v1/responses");
                assertThat(received.body().getString("model")).isEqualTo(ResponsesTestResource.AZURE_DEPLOYMENT);
            }
            case "anthropic" -> {
                // Translated through chat: the instructions became Anthropic's system prompt, max_output_tokens its max_tokens.
                AnthropicSimulator.Received received = ResponsesTestResource.anthropic().last();
                assertThat(received.path()).isEqualTo("/v1/messages");
                assertThat(received.body().getValue("system").toString()).contains("Be brief.");
                assertThat(received.body().getInteger("max_tokens")).isEqualTo(200);
            }
            default -> {
            }
        }
    }

    @ParameterizedTest
    @MethodSource("types")
    void stream(String type) {
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(ResponseCreateParams.builder()
                .model("resp-" + type).input("stream these words please").build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Response response = accumulator.response();

        assertThat(response.status()).contains(ResponseStatus.COMPLETED);
        assertThat(response.model().asString()).isEqualTo("resp-" + type);
        assertThat(text(response)).isNotEmpty();
        if (!type.equals("simulated")) {
            assertThat(text(response)).contains("stream these words please");
        }
        assertThat(response.usage().orElseThrow().totalTokens()).isPositive();
    }

    /** The function call the model made, then its output sent back with the whole conversation (the gateway keeps none). */
    @ParameterizedTest
    @MethodSource("types")
    void functionCallingRoundTrip(String type) {
        EasyInputMessage question = EasyInputMessage.builder().role(EasyInputMessage.Role.USER).content("weather in Oslo?").build();
        ResponseFunctionToolCall call;
        if (type.equals("simulated")) {
            // The simulated provider never calls tools (a stand-in, not a model): the round trip starts from a given call.
            call = ResponseFunctionToolCall.builder().callId("call_given").name("get_weather").arguments("{\"city\":\"Oslo\"}").build();
        } else {
            Response first = client.responses().create(ResponseCreateParams.builder().model("resp-" + type)
                    .inputOfResponse(List.of(ResponseInputItem.ofEasyInputMessage(question))).addTool(weatherTool()).build());
            call = first.output().stream().filter(ResponseOutputItem::isFunctionCall).map(ResponseOutputItem::asFunctionCall)
                    .findFirst().orElseThrow();
            assertThat(call.name()).isEqualTo("get_weather");
            assertThat(new JsonObject(call.arguments()).getValue("city")).isInstanceOf(String.class);
        }
        Response second = client.responses().create(ResponseCreateParams.builder().model("resp-" + type)
                .inputOfResponse(List.of(ResponseInputItem.ofEasyInputMessage(question), ResponseInputItem.ofFunctionCall(call),
                        ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder().callId(call.callId())
                                .output("sunny, 21 degrees").build())))
                .addTool(weatherTool()).build());

        assertThat(second.status()).contains(ResponseStatus.COMPLETED);
        assertThat(second.output()).noneMatch(ResponseOutputItem::isFunctionCall);
        if (!type.equals("simulated")) {
            assertThat(text(second)).contains("sunny, 21 degrees");
        }
    }

    /**
     * Extended thinking through a tool loop: Anthropic needs its signed thinking back when a tool result continues the
     * turn. The gateway keeps nothing: the reasoning item's encrypted_content carries it, and the client replays the
     * output items as they came, as stateless Responses clients do.
     */
    @Test
    void thinkingSurvivesAFunctionCallingRoundTripThroughAnthropic() {
        EasyInputMessage question = EasyInputMessage.builder().role(EasyInputMessage.Role.USER).content("weather in Oslo?").build();
        ResponseCreateParams.Builder first = ResponseCreateParams.builder().model("resp-anthropic").maxOutputTokens(4000L)
                .reasoning(Reasoning.builder().effort(ReasoningEffort.LOW).build())
                .inputOfResponse(List.of(ResponseInputItem.ofEasyInputMessage(question))).addTool(weatherTool());
        Response answer = client.responses().create(first.build());

        ResponseReasoningItem reasoning = answer.output().stream().filter(ResponseOutputItem::isReasoning)
                .map(ResponseOutputItem::asReasoning).findFirst().orElseThrow();
        ResponseFunctionToolCall call = answer.output().stream().filter(ResponseOutputItem::isFunctionCall)
                .map(ResponseOutputItem::asFunctionCall).findFirst().orElseThrow();
        assertThat(reasoning.content().orElseThrow()).isNotEmpty();
        assertThat(reasoning.encryptedContent()).isPresent();

        Response second = client.responses().create(first.inputOfResponse(List.of(ResponseInputItem.ofEasyInputMessage(question),
                ResponseInputItem.ofReasoning(reasoning), ResponseInputItem.ofFunctionCall(call),
                ResponseInputItem.ofFunctionCallOutput(ResponseInputItem.FunctionCallOutput.builder().callId(call.callId())
                        .output("sunny, 21 degrees").build()))).build());

        assertThat(second.status()).contains(ResponseStatus.COMPLETED);
        assertThat(text(second)).contains("sunny, 21 degrees");
        JsonObject replayed = ResponsesTestResource.anthropic().last().body().getJsonArray("messages").getJsonObject(1);
        assertThat(replayed.getJsonArray("content").getJsonObject(0).getString("type")).isEqualTo("thinking");
    }

    @ParameterizedTest
    @MethodSource("types")
    void structuredOutput(String type) {
        if (type.equals("simulated")) {
            // It ignores schemas (its words are no JSON), so the SDK's parsing is not asked of it; the format still reaches it.
            Response response = client.responses().create(ResponseCreateParams.builder().model("resp-simulated")
                    .input("The largest city of Norway").text(City.class).build().rawParams());
            assertThat(text(response)).isNotEmpty();
            return;
        }
        StructuredResponse<City> response = client.responses().create(ResponseCreateParams.builder().model("resp-" + type)
                .input("The largest city of Norway").text(City.class).build());
        City city = response.output().stream().flatMap(item -> item.message().stream())
                .flatMap(message -> message.content().stream()).flatMap(content -> content.outputText().stream()).findFirst().orElseThrow();

        assertThat(city.name).isNotBlank();
        assertThat(city.population).isPositive();
    }

    @Test
    void previousResponseIdIsRefusedWhereTheGatewayWouldHaveToKeepState() {
        assertThatThrownBy(() -> client.responses().create(ResponseCreateParams.builder().model("resp-anthropic")
                .input("and then?").previousResponseId("resp_abc").build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.param()).contains("previous_response_id");
                    assertThat(e.getMessage()).contains("keeps no conversation state");
                });
    }

    /** A model served by OpenAI only: the upstream owns the stored response, so the follow-up is relayed and works. */
    @Test
    void previousResponseIdIsRelayedToAnUntranslatedTarget() {
        Response first = client.responses().create(ResponseCreateParams.builder().model("resp-openai").input("remember this").build());
        Response second = client.responses().create(ResponseCreateParams.builder().model("resp-openai")
                .input("and then?").previousResponseId(first.id()).build());

        assertThat(second.previousResponseId()).contains(first.id());
        assertThat(text(second)).contains("and then?");
    }

    @Test
    void builtInToolsAreRefusedForTranslatedTargets() {
        assertThatThrownBy(() -> client.responses().create(ResponseCreateParams.builder().model("resp-gemini").input("news?")
                .addTool(WebSearchTool.builder().type(WebSearchTool.Type.WEB_SEARCH).build()).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.param()).contains("tools[0].type");
                    assertThat(e.code()).contains("unsupported_feature");
                });
    }

    /** A model with an untranslated and a translated target: what only the first can serve goes to it alone. */
    @Test
    void aMixedModelServesUntranslatableRequestsFromItsUntranslatedTargetOnly() {
        Response response = client.responses().create(ResponseCreateParams.builder().model("resp-mixed").input("news?")
                .addTool(WebSearchTool.builder().type(WebSearchTool.Type.WEB_SEARCH).build()).build());

        assertThat(text(response)).contains("news?");
    }

    @Test
    void aWrongKeyIsATypedAuthenticationError() {
        OpenAIClient stranger = OpenAIOkHttpClient.builder().baseUrl(v1.toString()).apiKey("sk-not-a-client").maxRetries(0).build();
        try {
            assertThatThrownBy(() -> stranger.responses().create(ResponseCreateParams.builder().model("resp-openai").input("hi").build()))
                    .isInstanceOf(UnauthorizedException.class);
        } finally {
            stranger.close();
        }
    }

    /** The untranslated OpenAI target answers 500; the Anthropic one takes over, translated, streamed and not. */
    @Test
    void failoverFromAnUntranslatedToATranslatedTarget() {
        Response response = client.responses().create(ResponseCreateParams.builder().model("resp-failover").input("fail over").build());
        assertThat(text(response)).contains("fail over");

        ResponseAccumulator accumulator = ResponseAccumulator.create();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(ResponseCreateParams.builder()
                .model("resp-failover").input("fail over streaming").build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        assertThat(text(accumulator.response())).contains("fail over streaming");
    }

    /** The Anthropic target answers 500; the OpenAI one takes the request as the client wrote it. */
    @Test
    void failoverFromATranslatedToAnUntranslatedTarget() {
        ResponseAccumulator accumulator = ResponseAccumulator.create();
        try (StreamResponse<ResponseStreamEvent> stream = client.responses().createStreaming(ResponseCreateParams.builder()
                .model("resp-failover-translated").input("the other way").build())) {
            stream.stream().forEach(accumulator::accumulate);
        }

        assertThat(text(accumulator.response())).contains("the other way");
        assertThat(accumulator.response().model().asString()).isEqualTo("resp-failover-translated");
    }
}
