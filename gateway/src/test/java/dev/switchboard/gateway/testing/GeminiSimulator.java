package dev.switchboard.gateway.testing;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * A real HTTP server on 127.0.0.1 speaking the Gemini API (v1beta `generateContent`, `streamGenerateContent?alt=sse`,
 * `batchEmbedContents`) and validating requests as the real API does, so translation mistakes fail tests:
 * unknown fields are rejected (Google's JSON parsing is strict), `contents` must be non-empty with roles `user` or
 * `model`, each part must be exactly one of text / inlineData / fileData / functionCall / functionResponse, function
 * responses must answer the function calls of the previous model turn one for one and by name, systemInstruction
 * holds text parts, OBJECT schemas need properties, `allowedFunctionNames` needs mode ANY, and the key must come in
 * `x-goog-api-key` (a key in the URL is accepted by Google but recorded, so tests can assert it never happens).
 * <p>
 * Answers are deterministic. The model name picks errors: {@code rate-limited} (429 RESOURCE_EXHAUSTED with
 * RetryInfo 7s), {@code overloaded} (503 UNAVAILABLE), {@code fail-500} (500 INTERNAL), {@code bad-request}
 * (400 INVALID_ARGUMENT), {@code forbidden} (403 PERMISSION_DENIED), {@code unauthenticated} (401 UNAUTHENTICATED),
 * {@code missing} (404 NOT_FOUND), {@code blocked} (prompt blocked, no candidate), {@code unsafe} (finishReason
 * SAFETY), {@code cached} (reports cached tokens), {@code break-stream} (drops the connection mid-stream),
 * {@code endless-stream} (a word every 50 ms until the client goes away, counted by {@link #cancelledStreams()}),
 * {@code slow-<ms>} (waits that long before answering), {@code malformed} (a 200 answer, or stream event, whose
 * candidate {@code content} is a string instead of an object).
 * Otherwise: with tools declared and the last turn not a function response, it calls the first allowed function
 * (two calls, the second with other arguments, when the prompt says "parallel"); after function responses it
 * answers "result: " and the responses; else "echo: " and the last user text plus a note per media part, as JSON
 * when JSON output was asked. stopSequences and maxOutputTokens are honoured.
 */
public final class GeminiSimulator extends SimulatorServer<GeminiSimulator.Received> {

    /** What the simulator received: the model and method from the path, the query, the key header, the body. */
    public record Received(String model, String method, String query, String apiKey, JsonObject body) {
    }

    private static final Pattern PATH = Pattern.compile("/v1beta/models/([^/:]+):(generateContent|streamGenerateContent|batchEmbedContents)");
    private static final Set<String> REQUEST_FIELDS = Set.of("contents", "tools", "toolConfig", "safetySettings", "systemInstruction",
            "generationConfig", "cachedContent");
    private static final Set<String> GENERATION_FIELDS = Set.of("stopSequences", "responseMimeType", "responseSchema", "responseJsonSchema",
            "candidateCount", "maxOutputTokens", "temperature", "topP", "topK", "seed", "presencePenalty", "frequencyPenalty",
            "responseLogprobs", "logprobs", "thinkingConfig", "responseModalities");
    private static final Set<String> PART_DATA = Set.of("text", "inlineData", "fileData", "functionCall", "functionResponse",
            "executableCode", "codeExecutionResult");
    private static final Set<String> SCHEMA_FIELDS = Set.of("type", "format", "title", "description", "nullable", "enum", "maxItems",
            "minItems", "properties", "required", "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "example",
            "anyOf", "propertyOrdering", "default", "items", "minimum", "maximum");
    private static final Set<String> SCHEMA_TYPES = Set.of("TYPE_UNSPECIFIED", "STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT", "NULL");

    private final String apiKey;

    private GeminiSimulator(String apiKey) {
        this.apiKey = apiKey;
    }

    /** Starts on a free port (0) or the given one; only apiKey is accepted. */
    public static GeminiSimulator start(int port, String apiKey) throws Exception {
        GeminiSimulator simulator = new GeminiSimulator(apiKey);
        simulator.listen(port, router -> router.post().handler(simulator::handle));
        return simulator;
    }

    /** The endpoint to configure on a Provider (the adapter appends /v1beta). */
    public String endpoint() {
        return baseUrl();
    }

    /** A request the real API would reject with 400 INVALID_ARGUMENT. */
    private static final class Rejected extends Exception {
        Rejected(String message) {
            super(message, null, false, false);
        }
    }

    private void handle(RoutingContext ctx) {
        Matcher path = PATH.matcher(ctx.request().path());
        if (!path.matches()) {
            error(ctx.response(), 404, "NOT_FOUND", "The requested URL was not found on this server.", null);
            return;
        }
        String model = path.group(1);
        String method = path.group(2);
        String key = ctx.request().getHeader("x-goog-api-key");
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            body = null;
        }
        remember(new Received(model, method, ctx.request().query(), key, body));
        if (key == null) {
            error(ctx.response(), 403, "PERMISSION_DENIED",
                    "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.", null);
            return;
        }
        if (!key.equals(apiKey)) {
            error(ctx.response(), 400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
                    new JsonArray().add(new JsonObject().put("@type", "type.googleapis.com/google.rpc.ErrorInfo")
                            .put("reason", "API_KEY_INVALID").put("domain", "googleapis.com")));
            return;
        }
        boolean stream = "streamGenerateContent".equals(method);
        if (stream && !"sse".equals(ctx.request().getParam("alt"))) {
            // Without alt=sse Google streams one JSON array; the adapter must always ask for SSE.
            error(ctx.response(), 400, "INVALID_ARGUMENT", "simulator: streamGenerateContent is only simulated with alt=sse", null);
            return;
        }
        if (injectedError(ctx.response(), model)) {
            return;
        }
        try {
            if (body == null) {
                throw new Rejected("Invalid JSON payload received.");
            }
            if ("batchEmbedContents".equals(method)) {
                embed(ctx.response(), model, body);
                return;
            }
            validate(body);
            if (model.startsWith("slow-")) {
                JsonObject valid = body;
                vertx.setTimer(Long.parseLong(model.substring(5)), id -> generate(ctx, model, valid, stream));
            } else if ("endless-stream".equals(model) && stream) {
                endless(ctx.response());
            } else {
                generate(ctx, model, body, stream);
            }
        } catch (Rejected e) {
            error(ctx.response(), 400, "INVALID_ARGUMENT", e.getMessage(), null);
        }
    }

    private static boolean injectedError(HttpServerResponse response, String model) {
        switch (model) {
            case "rate-limited" -> error(response, 429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).",
                    new JsonArray().add(new JsonObject().put("@type", "type.googleapis.com/google.rpc.RetryInfo").put("retryDelay", "6.2s")));
            case "overloaded" -> error(response, 503, "UNAVAILABLE", "The model is overloaded. Please try again later.", null);
            case "fail-500" -> error(response, 500, "INTERNAL", "An internal error has occurred.", null);
            case "bad-request" -> error(response, 400, "INVALID_ARGUMENT", "Request contains an invalid argument.", null);
            case "forbidden" -> error(response, 403, "PERMISSION_DENIED", "The caller does not have permission.", null);
            case "unauthenticated" -> error(response, 401, "UNAUTHENTICATED", "Request had invalid authentication credentials.", null);
            case "missing" -> error(response, 404, "NOT_FOUND",
                    "models/missing is not found for API version v1beta, or is not supported for generateContent.", null);
            default -> {
                return false;
            }
        }
        return true;
    }

    private static void error(HttpServerResponse response, int code, String status, String message, JsonArray details) {
        JsonObject error = new JsonObject().put("code", code).put("message", message).put("status", status);
        if (details != null) {
            error.put("details", details);
        }
        response.setStatusCode(code).putHeader("content-type", "application/json; charset=UTF-8")
                .end(new JsonObject().put("error", error).encodePrettily());
    }

    // ---- validation, as the real API -------------------------------------------------------------------------------

    private static void validate(JsonObject body) throws Rejected {
        for (String field : body.fieldNames()) {
            if (!REQUEST_FIELDS.contains(field)) {
                throw new Rejected("Invalid JSON payload received. Unknown name \"" + field + "\": Cannot find field.");
            }
        }
        if (!(body.getValue("contents") instanceof JsonArray contents) || contents.isEmpty()) {
            throw new Rejected("* GenerateContentRequest.contents: contents is not specified");
        }
        JsonArray previousCalls = null;
        for (int i = 0; i < contents.size(); i++) {
            JsonObject content = object(contents.getValue(i), "contents[" + i + "]");
            String role = content.getString("role", "user");
            if (!"user".equals(role) && !"model".equals(role)) {
                throw new Rejected("Please use a valid role: user, model.");
            }
            JsonArray parts = parts(content, "contents[" + i + "]");
            JsonArray calls = new JsonArray();
            JsonArray responses = new JsonArray();
            for (int j = 0; j < parts.size(); j++) {
                JsonObject part = parts.getJsonObject(j);
                if (part.getValue("functionCall") instanceof JsonObject call) {
                    if (!"model".equals(role)) {
                        throw new Rejected("contents[" + i + "]: functionCall parts are only allowed in model turns");
                    }
                    calls.add(call.getString("name"));
                }
                if (part.getValue("functionResponse") instanceof JsonObject response) {
                    if (!(response.getValue("response") instanceof JsonObject)) {
                        throw new Rejected("contents[" + i + "].parts[" + j + "].function_response.response: must be an object (Struct)");
                    }
                    responses.add(response.getString("name"));
                }
            }
            if (!responses.isEmpty()) {
                if (previousCalls == null || previousCalls.isEmpty()) {
                    throw new Rejected("Please ensure that function response turn comes immediately after a function call turn.");
                }
                if (previousCalls.size() != responses.size()) {
                    throw new Rejected("Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.");
                }
                List<Object> expected = new ArrayList<>(previousCalls.getList());
                for (Object name : responses) {
                    if (!expected.remove(name)) {
                        throw new Rejected("function response " + name + " does not answer a function call of the previous turn");
                    }
                }
            }
            previousCalls = "model".equals(role) ? calls : null;
        }
        if (body.containsKey("systemInstruction")) {
            JsonObject system = object(body.getValue("systemInstruction"), "system_instruction");
            for (Object p : parts(system, "system_instruction")) {
                if (!(((JsonObject) p).getValue("text") instanceof String)) {
                    throw new Rejected("system_instruction: only text parts are supported");
                }
            }
        }
        JsonArray functions = new JsonArray();
        if (body.containsKey("tools")) {
            for (Object t : array(body.getValue("tools"), "tools")) {
                JsonObject tool = object(t, "tools[]");
                for (Object d : array(tool.getValue("functionDeclarations"), "tools[].function_declarations")) {
                    JsonObject declaration = object(d, "function_declarations[]");
                    for (String field : declaration.fieldNames()) {
                        if (!Set.of("name", "description", "parameters", "parametersJsonSchema", "response", "behavior").contains(field)) {
                            throw new Rejected("Invalid JSON payload received. Unknown name \"" + field + "\" at 'tools[0].function_declarations[0]': Cannot find field.");
                        }
                    }
                    String name = declaration.getString("name", "");
                    if (!name.matches("[A-Za-z_][A-Za-z0-9_.:-]{0,63}")) {
                        throw new Rejected("* GenerateContentRequest.tools[0].function_declarations[0].name: Invalid function name.");
                    }
                    functions.add(name);
                    if (declaration.containsKey("parameters")) {
                        schema(object(declaration.getValue("parameters"), "parameters"), "function_declarations[" + name + "].parameters");
                    }
                }
            }
        }
        if (body.getValue("toolConfig") instanceof JsonObject toolConfig) {
            JsonObject config = object(toolConfig.getValue("functionCallingConfig"), "tool_config.function_calling_config");
            String mode = config.getString("mode", "AUTO");
            if (!Set.of("AUTO", "ANY", "NONE", "VALIDATED").contains(mode)) {
                throw new Rejected("Invalid value at 'tool_config.function_calling_config.mode'");
            }
            if (config.containsKey("allowedFunctionNames")) {
                if (!"ANY".equals(mode) && !"VALIDATED".equals(mode)) {
                    throw new Rejected("* GenerateContentRequest.tool_config.function_calling_config.allowed_function_names: only allowed when mode is ANY.");
                }
                for (Object name : array(config.getValue("allowedFunctionNames"), "allowed_function_names")) {
                    if (!functions.contains(name)) {
                        throw new Rejected("allowed_function_names: " + name + " is not a declared function");
                    }
                }
            }
        }
        if (body.containsKey("generationConfig")) {
            generationConfig(object(body.getValue("generationConfig"), "generation_config"));
        }
    }

    private static void generationConfig(JsonObject config) throws Rejected {
        for (String field : config.fieldNames()) {
            if (!GENERATION_FIELDS.contains(field)) {
                throw new Rejected("Invalid JSON payload received. Unknown name \"" + field + "\" at 'generation_config': Cannot find field.");
            }
        }
        if (config.getValue("stopSequences") instanceof JsonArray stops && stops.size() > 5) {
            throw new Rejected("* GenerateContentRequest.generation_config.stop_sequences: at most 5 stop sequences are allowed");
        }
        if (config.getValue("temperature") instanceof Number t && (t.doubleValue() < 0 || t.doubleValue() > 2)) {
            throw new Rejected("* GenerateContentRequest.generation_config.temperature: must be in [0.0, 2.0]");
        }
        if (config.getValue("topP") instanceof Number p && (p.doubleValue() < 0 || p.doubleValue() > 1)) {
            throw new Rejected("* GenerateContentRequest.generation_config.top_p: must be in [0.0, 1.0]");
        }
        if (config.getValue("maxOutputTokens") instanceof Number m && m.intValue() <= 0) {
            throw new Rejected("* GenerateContentRequest.generation_config.max_output_tokens: must be positive");
        }
        String mime = config.getString("responseMimeType", "text/plain");
        if (!Set.of("text/plain", "application/json", "text/x.enum").contains(mime)) {
            throw new Rejected("* GenerateContentRequest.generation_config.response_mime_type: allowed mimetypes are `text/plain`, `application/json`, and `text/x.enum`.");
        }
        if (config.getValue("thinkingConfig") instanceof JsonObject thinking) {
            if (thinking.containsKey("thinkingBudget") && thinking.containsKey("thinkingLevel")) {
                throw new Rejected("You can only set only one of thinking budget and thinking level.");
            }
            if (thinking.getValue("thinkingBudget") instanceof Number budget && (budget.intValue() < -1 || budget.intValue() > 32768)) {
                throw new Rejected("* GenerateContentRequest.generation_config.thinking_config.thinking_budget: must be -1 or in [0, 32768]");
            }
            if (thinking.getValue("thinkingLevel") != null && !Set.of("low", "medium", "high", "minimal").contains(thinking.getValue("thinkingLevel"))) {
                throw new Rejected("Invalid value at 'generation_config.thinking_config.thinking_level'");
            }
        }
        if (config.containsKey("responseSchema")) {
            if (!"application/json".equals(mime) && !"text/x.enum".equals(mime)) {
                throw new Rejected("* GenerateContentRequest.generation_config.response_schema: response_mime_type must be application/json or text/x.enum when response_schema is set");
            }
            schema(object(config.getValue("responseSchema"), "response_schema"), "generation_config.response_schema");
        }
    }

    private static void schema(JsonObject schema, String at) throws Rejected {
        for (String field : schema.fieldNames()) {
            if (!SCHEMA_FIELDS.contains(field)) {
                throw new Rejected("Invalid JSON payload received. Unknown name \"" + field + "\" at '" + at + "': Cannot find field.");
            }
        }
        String type = String.valueOf(schema.getValue("type")).toUpperCase(java.util.Locale.ROOT);
        if (schema.containsKey("type") && !SCHEMA_TYPES.contains(type)) {
            throw new Rejected("Invalid value at '" + at + ".type' (type.googleapis.com/google.ai.generativelanguage.v1beta.Type), \"" + schema.getValue("type") + "\"");
        }
        if ("OBJECT".equals(type) && schema.containsKey("properties") && schema.getJsonObject("properties").isEmpty()) {
            throw new Rejected("* " + at + ".properties: should be non-empty for OBJECT type");
        }
        if (schema.getValue("properties") instanceof JsonObject properties) {
            for (Map.Entry<String, Object> property : properties) {
                schema(object(property.getValue(), at), at + ".properties[" + property.getKey() + "]");
            }
        }
        if (schema.containsKey("items")) {
            schema(object(schema.getValue("items"), at + ".items"), at + ".items");
        }
        if (schema.getValue("anyOf") instanceof JsonArray branches) {
            for (Object branch : branches) {
                schema(object(branch, at + ".any_of"), at + ".any_of");
            }
        }
        if (schema.getValue("enum") instanceof JsonArray values) {
            for (Object value : values) {
                if (!(value instanceof String)) {
                    throw new Rejected("Invalid value at '" + at + ".enum': enum values must be strings");
                }
            }
        }
    }

    private static JsonArray parts(JsonObject content, String at) throws Rejected {
        if (!(content.getValue("parts") instanceof JsonArray parts) || parts.isEmpty()) {
            throw new Rejected("* GenerateContentRequest." + at + ".parts: contents.parts must not be empty.");
        }
        for (int j = 0; j < parts.size(); j++) {
            JsonObject part = object(parts.getValue(j), at + ".parts[" + j + "]");
            int data = 0;
            for (String field : part.fieldNames()) {
                if (PART_DATA.contains(field)) {
                    data++;
                } else if (!Set.of("thought", "thoughtSignature", "videoMetadata").contains(field)) {
                    throw new Rejected("Invalid JSON payload received. Unknown name \"" + field + "\" at '" + at + ".parts[" + j + "]': Cannot find field.");
                }
            }
            if (data != 1) {
                throw new Rejected("* GenerateContentRequest." + at + ".parts[" + j + "].data: required oneof field 'data' must have one initialized field");
            }
            if (part.getValue("inlineData") instanceof JsonObject inline) {
                if (!(inline.getValue("mimeType") instanceof String) || !(inline.getValue("data") instanceof String data64)) {
                    throw new Rejected("* " + at + ".parts[" + j + "].inline_data: mime_type and data are required");
                }
                try {
                    Base64.getDecoder().decode(data64);
                } catch (IllegalArgumentException e) {
                    throw new Rejected("Invalid value at '" + at + ".parts[" + j + "].inline_data.data' (TYPE_BYTES), Base64 decoding failed");
                }
            }
            if (part.getValue("fileData") instanceof JsonObject file && !(file.getValue("fileUri") instanceof String)) {
                throw new Rejected("* " + at + ".parts[" + j + "].file_data.file_uri: required");
            }
            if (part.getValue("functionCall") instanceof JsonObject call && !(call.getValue("name") instanceof String)) {
                throw new Rejected("* " + at + ".parts[" + j + "].function_call.name: Name cannot be empty.");
            }
        }
        return parts;
    }

    private static JsonObject object(Object value, String at) throws Rejected {
        if (value instanceof JsonObject o) {
            return o;
        }
        throw new Rejected("Invalid value at '" + at + "': expected an object");
    }

    private static JsonArray array(Object value, String at) throws Rejected {
        if (value instanceof JsonArray a) {
            return a;
        }
        throw new Rejected("Invalid value at '" + at + "': expected a list");
    }

    // ---- answers ---------------------------------------------------------------------------------------------------

    /** One candidate's parts and finish reason, before streaming splits it. */
    private record Answer(List<JsonObject> parts, String finishReason, int promptTokens, int outputTokens) {
    }

    private void generate(RoutingContext ctx, String model, JsonObject body, boolean stream) {
        JsonObject config = body.getJsonObject("generationConfig", new JsonObject());
        int candidates = config.getInteger("candidateCount", 1);
        List<Answer> answers = new ArrayList<>();
        for (int i = 0; i < candidates; i++) {
            answers.add(answer(model, body, i));
        }
        String responseId = "sim-" + Integer.toHexString(body.encode().hashCode());
        HttpServerResponse response = ctx.response();
        if ("malformed".equals(model)) {
            JsonObject malformed = new JsonObject().put("candidates", new JsonArray().add(new JsonObject().put("content", "not an object")
                    .put("finishReason", "STOP").put("index", 0))).put("modelVersion", model).put("responseId", responseId);
            if (stream) {
                response.setChunked(true).putHeader("content-type", "text/event-stream").end(sse(malformed));
            } else {
                response.putHeader("content-type", "application/json; charset=UTF-8").end(malformed.encode());
            }
            return;
        }
        if (!stream) {
            JsonArray list = new JsonArray();
            for (int i = 0; i < answers.size(); i++) {
                list.add(candidate(answers.get(i).parts(), answers.get(i).finishReason(), i));
            }
            JsonObject out = new JsonObject();
            if ("blocked".equals(model)) {
                out.put("promptFeedback", new JsonObject().put("blockReason", "SAFETY"));
            } else {
                out.put("candidates", list);
            }
            out.put("usageMetadata", usage(model, answers.get(0), true)).put("modelVersion", model).put("responseId", responseId);
            response.putHeader("content-type", "application/json; charset=UTF-8").end(out.encodePrettily());
            return;
        }
        response.setChunked(true).putHeader("content-type", "text/event-stream");
        Answer answer = answers.get(0);
        if ("blocked".equals(model)) {
            response.end(sse(new JsonObject().put("promptFeedback", new JsonObject().put("blockReason", "SAFETY"))
                    .put("usageMetadata", usage(model, answer, true)).put("modelVersion", model).put("responseId", responseId)));
            return;
        }
        List<JsonObject> pieces = new ArrayList<>();
        for (JsonObject part : answer.parts()) {
            if (part.getValue("text") instanceof String text) {
                String[] words = text.split("(?<= )");
                for (String word : words) {
                    pieces.add(part.copy().put("text", word));
                }
            } else {
                pieces.add(part);
            }
        }
        for (int i = 0; i < pieces.size(); i++) {
            boolean last = i == pieces.size() - 1;
            JsonObject event = new JsonObject()
                    .put("candidates", new JsonArray().add(candidate(List.of(pieces.get(i)), last ? answer.finishReason() : null, 0)))
                    .put("usageMetadata", usage(model, answer, last)).put("modelVersion", model).put("responseId", responseId);
            response.write(sse(event));
            if ("break-stream".equals(model) && i == 1) {
                vertx.setTimer(20, id -> ctx.request().connection().close());
                return;
            }
        }
        response.end();
    }

    private void endless(HttpServerResponse response) {
        response.setChunked(true).putHeader("content-type", "text/event-stream");
        long[] timer = new long[1];
        response.closeHandler(v -> {
            vertx.cancelTimer(timer[0]);
            streamCancelled();
        });
        JsonObject tick = new JsonObject().put("candidates", new JsonArray().add(candidate(List.of(new JsonObject().put("text", "tick ")), null, 0)));
        timer[0] = vertx.setPeriodic(50, id -> {
            if (!response.closed()) {
                response.write(sse(tick));
            }
        });
    }

    private static String sse(JsonObject event) {
        return "data: " + event.encode() + "\r\n\r\n";
    }

    private static JsonObject candidate(List<JsonObject> parts, String finishReason, int index) {
        JsonObject candidate = new JsonObject().put("content", new JsonObject().put("parts", new JsonArray(new ArrayList<>(parts))).put("role", "model"));
        if (finishReason != null) {
            candidate.put("finishReason", finishReason);
        }
        return candidate.put("index", index);
    }

    private static JsonObject usage(String model, Answer answer, boolean complete) {
        JsonObject usage = new JsonObject().put("promptTokenCount", answer.promptTokens());
        if (complete) {
            usage.put("candidatesTokenCount", answer.outputTokens()).put("totalTokenCount", answer.promptTokens() + answer.outputTokens());
        } else {
            usage.put("totalTokenCount", answer.promptTokens());
        }
        if ("cached".equals(model)) {
            usage.put("cachedContentTokenCount", answer.promptTokens() / 2);
        }
        int thoughts = answer.parts().stream().filter(p -> Boolean.TRUE.equals(p.getValue("thought")))
                .mapToInt(p -> p.getString("text").split(" ").length).sum();
        if (complete && thoughts > 0) {
            usage.put("thoughtsTokenCount", thoughts).put("totalTokenCount", usage.getInteger("totalTokenCount") + thoughts);
        }
        return usage;
    }

    private static Answer answer(String model, JsonObject body, int candidateIndex) {
        JsonArray contents = body.getJsonArray("contents");
        JsonObject last = contents.getJsonObject(contents.size() - 1);
        int promptTokens = words(body.getJsonObject("systemInstruction")) + contents.stream().mapToInt(c -> words((JsonObject) c)).sum();
        JsonArray functions = functions(body);
        JsonObject callingConfig = body.getJsonObject("toolConfig", new JsonObject()).getJsonObject("functionCallingConfig", new JsonObject());
        boolean answersFunctions = last.getJsonArray("parts").stream().anyMatch(p -> ((JsonObject) p).containsKey("functionResponse"));
        if (!functions.isEmpty() && !answersFunctions && !"NONE".equals(callingConfig.getString("mode"))) {
            JsonArray allowed = callingConfig.getJsonArray("allowedFunctionNames");
            JsonObject function = functions.getJsonObject(0);
            if (allowed != null && !allowed.isEmpty()) {
                for (Object f : functions) {
                    if (allowed.contains(((JsonObject) f).getString("name"))) {
                        function = (JsonObject) f;
                        break;
                    }
                }
            }
            List<JsonObject> calls = new ArrayList<>();
            calls.add(call(function, 0));
            if (lastText(last).contains("parallel")) {
                calls.add(call(functions.size() > 1 ? functions.getJsonObject(1) : function, 1));
            }
            return new Answer(calls, "STOP", promptTokens, 5 * calls.size());
        }
        String text;
        if (answersFunctions) {
            JsonArray responses = new JsonArray();
            last.getJsonArray("parts").forEach(p -> responses.add(((JsonObject) p).getValue("functionResponse")));
            text = "result: " + responses.encode();
        } else {
            StringBuilder echo = new StringBuilder("echo: ").append(lastText(last));
            for (Object p : last.getJsonArray("parts")) {
                JsonObject part = (JsonObject) p;
                if (part.getValue("inlineData") instanceof JsonObject inline) {
                    echo.append(" [inline ").append(inline.getString("mimeType")).append(' ')
                            .append(Base64.getDecoder().decode(inline.getString("data")).length).append(" bytes]");
                } else if (part.getValue("fileData") instanceof JsonObject file) {
                    echo.append(" [file ").append(file.getString("mimeType")).append(' ').append(file.getString("fileUri")).append(']');
                }
            }
            if (candidateIndex > 0) {
                echo.append(" (candidate ").append(candidateIndex).append(')');
            }
            text = echo.toString();
        }
        JsonObject config = body.getJsonObject("generationConfig", new JsonObject());
        if ("application/json".equals(config.getString("responseMimeType"))) {
            text = jsonAnswer(config.getJsonObject("responseSchema"), text).encode();
        }
        String finish = "unsafe".equals(model) ? "SAFETY" : "STOP";
        for (Object stop : config.getJsonArray("stopSequences", new JsonArray())) {
            int at = text.indexOf((String) stop);
            if (at >= 0) {
                text = text.substring(0, at);
            }
        }
        String[] words = text.split("(?<= )");
        int max = config.getInteger("maxOutputTokens", Integer.MAX_VALUE);
        if (words.length > max) {
            text = String.join("", List.of(words).subList(0, max));
            finish = "MAX_TOKENS";
        }
        List<JsonObject> parts = new ArrayList<>();
        // A thinking model asked for its thought summaries returns them first, marked thought: true.
        if (config.getValue("thinkingConfig") instanceof JsonObject thinking && Boolean.TRUE.equals(thinking.getValue("includeThoughts"))) {
            Object level = thinking.containsKey("thinkingLevel") ? thinking.getValue("thinkingLevel") : thinking.getValue("thinkingBudget");
            parts.add(new JsonObject().put("text", "Thinking at " + level + " about it. ").put("thought", true));
        }
        parts.add(new JsonObject().put("text", text));
        return new Answer(parts, finish, promptTokens, Math.min(words.length, max));
    }

    /** A deterministic object for a schema: every property gets a value of its type. */
    private static Object sample(JsonObject schema, String text) {
        if (schema == null) {
            return text;
        }
        String type = String.valueOf(schema.getValue("type")).toUpperCase(java.util.Locale.ROOT);
        return switch (type) {
            case "OBJECT" -> jsonAnswer(schema, text);
            case "ARRAY" -> new JsonArray().add(sample(schema.getJsonObject("items"), text));
            case "INTEGER" -> 7;
            case "NUMBER" -> 0.5;
            case "BOOLEAN" -> true;
            default -> schema.getValue("enum") instanceof JsonArray values && !values.isEmpty() ? values.getValue(0) : text;
        };
    }

    private static JsonObject jsonAnswer(JsonObject schema, String text) {
        if (schema == null || !(schema.getValue("properties") instanceof JsonObject properties)) {
            return new JsonObject().put("echo", text);
        }
        JsonObject out = new JsonObject();
        for (Map.Entry<String, Object> property : properties) {
            out.put(property.getKey(), sample((JsonObject) property.getValue(), text));
        }
        return out;
    }

    private static JsonObject call(JsonObject function, int variant) {
        JsonObject args = new JsonObject();
        if (function.getValue("parameters") instanceof JsonObject parameters && parameters.getValue("properties") instanceof JsonObject properties) {
            for (Map.Entry<String, Object> property : properties) {
                Object value = sample((JsonObject) property.getValue(), property.getKey() + "-" + variant);
                args.put(property.getKey(), value);
            }
        }
        return new JsonObject().put("functionCall", new JsonObject().put("name", function.getString("name")).put("args", args))
                .put("thoughtSignature", Base64.getEncoder().encodeToString(("sig-" + function.getString("name") + "-" + variant).getBytes()));
    }

    private static JsonArray functions(JsonObject body) {
        JsonArray functions = new JsonArray();
        for (Object t : body.getJsonArray("tools", new JsonArray())) {
            functions.addAll(((JsonObject) t).getJsonArray("functionDeclarations", new JsonArray()));
        }
        return functions;
    }

    private static String lastText(JsonObject content) {
        StringBuilder text = new StringBuilder();
        for (Object p : content.getJsonArray("parts")) {
            if (((JsonObject) p).getValue("text") instanceof String t) {
                text.append(text.isEmpty() ? "" : " ").append(t);
            }
        }
        return text.toString();
    }

    private static int words(JsonObject content) {
        if (content == null) {
            return 0;
        }
        int count = 0;
        for (Object p : content.getJsonArray("parts", new JsonArray())) {
            if (((JsonObject) p).getValue("text") instanceof String t && !t.isBlank()) {
                count += t.strip().split("\\s+").length;
            }
        }
        return count;
    }

    private static void embed(HttpServerResponse response, String model, JsonObject body) throws Rejected {
        for (String field : body.fieldNames()) {
            if (!"requests".equals(field)) {
                throw new Rejected("Invalid JSON payload received. Unknown name \"" + field + "\": Cannot find field.");
            }
        }
        JsonArray requests = array(body.getValue("requests"), "requests");
        if (requests.isEmpty()) {
            throw new Rejected("* BatchEmbedContentsRequest.requests: requests must not be empty");
        }
        JsonArray embeddings = new JsonArray();
        for (int i = 0; i < requests.size(); i++) {
            JsonObject request = object(requests.getValue(i), "requests[" + i + "]");
            if (!("models/" + model).equals(request.getValue("model"))) {
                throw new Rejected("* BatchEmbedContentsRequest.requests[" + i + "].model: the model of each request must be the batch's model, models/" + model);
            }
            for (String field : request.fieldNames()) {
                if (!Set.of("model", "content", "taskType", "title", "outputDimensionality").contains(field)) {
                    throw new Rejected("Invalid JSON payload received. Unknown name \"" + field + "\" at 'requests[" + i + "]': Cannot find field.");
                }
            }
            JsonObject content = object(request.getValue("content"), "requests[" + i + "].content");
            JsonArray parts = parts(content, "requests[" + i + "].content");
            String text = parts.getJsonObject(0).getString("text", "");
            int dimensions = request.getInteger("outputDimensionality", 8);
            embeddings.add(new JsonObject().put("values", vector(text, dimensions)));
        }
        response.putHeader("content-type", "application/json; charset=UTF-8").end(new JsonObject().put("embeddings", embeddings).encode());
    }

    private static JsonArray vector(String text, int dimensions) {
        SplittableRandom random = new SplittableRandom(text.hashCode());
        double[] values = new double[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            values[i] = random.nextDouble(-1, 1);
            norm += values[i] * values[i];
        }
        JsonArray out = new JsonArray();
        for (double v : values) {
            out.add((float) (v / Math.sqrt(norm)));
        }
        return out;
    }
}
