package dev.switchboard.gateway.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * A real HTTP server on 127.0.0.1 speaking Azure OpenAI's data-plane API:
 * {@code POST /openai/deployments/{deployment}/chat/completions|completions|embeddings?api-version=...}. Checks
 * in Azure's order: a missing or unknown {@code api-version} is a 404 "Resource not found" (Azure's answer, not
 * a 400), a missing or wrong {@code api-key} a 401 with Azure's message, an unknown deployment a 404
 * {@code DeploymentNotFound}; then the body is validated like OpenAI validates it (message shapes, tool-call
 * arguments as JSON strings, {@code stream_options} only with {@code stream}). The Responses API is served on Azure's
 * v1 path, {@code POST /openai/v1/responses} (deployment in the body's model). Answers are OpenAI's plus Azure's
 * extras ({@code prompt_filter_results}, {@code content_filter_results}, a first stream chunk with no choices).
 * <p>
 * Deployments with behaviour: {@code throttled} (429 with only {@code retry-after-ms: 2500}),
 * {@code throttled-seconds} (429 with {@code retry-after: 6}), {@code filtered} (400 {@code content_filter} with
 * {@code innererror}), {@code fail-500}, {@code overloaded} (503). With tools and a user turn last it calls the
 * first tool (the first two when the prompt says "parallel"), streaming the arguments in two fragments.
 */
public final class AzureOpenAiSimulator extends SimulatorServer<AzureOpenAiSimulator.Received> {

    /** What the simulator received. */
    public record Received(String path, String apiVersion, String apiKey, JsonObject body) {
    }

    public static final String MODEL = "gpt-4o-2024-08-06";
    private static final Set<String> API_VERSIONS = Set.of("2024-06-01", "2024-10-21", "2025-01-01-preview", "2025-04-01-preview");
    private static final Set<String> BEHAVIOURS = Set.of("throttled", "throttled-seconds", "filtered", "fail-500", "overloaded");
    private static final JsonObject SAFE = new JsonObject()
            .put("hate", new JsonObject().put("filtered", false).put("severity", "safe"))
            .put("self_harm", new JsonObject().put("filtered", false).put("severity", "safe"))
            .put("sexual", new JsonObject().put("filtered", false).put("severity", "safe"))
            .put("violence", new JsonObject().put("filtered", false).put("severity", "safe"));

    private final String apiKey;
    private final Set<String> deployments;
    private final ResponsesSimulation responses = new ResponsesSimulation();

    private AzureOpenAiSimulator(String apiKey, Set<String> deployments) {
        this.apiKey = apiKey;
        this.deployments = deployments;
    }

    /** Serves the given deployments (plus the behaviour deployments) to callers holding apiKey. */
    public static AzureOpenAiSimulator start(int port, String apiKey, Set<String> deployments) throws Exception {
        AzureOpenAiSimulator simulator = new AzureOpenAiSimulator(apiKey, Set.copyOf(deployments));
        simulator.listen(port, router -> {
            router.post("/openai/deployments/:deployment/chat/completions").handler(ctx -> simulator.handle(ctx, "chat"));
            router.post("/openai/deployments/:deployment/completions").handler(ctx -> simulator.handle(ctx, "completions"));
            router.post("/openai/deployments/:deployment/embeddings").handler(ctx -> simulator.handle(ctx, "embeddings"));
            router.post("/openai/v1/responses").handler(simulator::responses);
            router.route().last().handler(ctx -> azureError(ctx.response(), 404, "404", "Resource not found"));
        });
        return simulator;
    }

    private static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String param;

        Invalid(String param, String message) {
            super(message, null, false, false);
            this.param = param;
        }
    }

    /** Azure's own envelope: code and message only. */
    private static void azureError(HttpServerResponse response, int status, String code, String message) {
        response.setStatusCode(status).putHeader("content-type", "application/json")
                .end(new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)).encode());
    }

    private static void openAiError(HttpServerResponse response, int status, String type, String param, String code, String message) {
        response.setStatusCode(status).putHeader("content-type", "application/json").end(new JsonObject().put("error",
                new JsonObject().put("message", message).put("type", type).put("param", param).put("code", code)).encode());
    }

    private void handle(RoutingContext ctx, String operation) {
        HttpServerResponse response = ctx.response();
        String version = ctx.request().getParam("api-version");
        String deployment = ctx.pathParam("deployment");
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            body = null;
        }
        remember(new Received(ctx.request().path(), version, ctx.request().getHeader("api-key"), body));
        if (version == null || !API_VERSIONS.contains(version)) {
            azureError(response, 404, "404", "Resource not found");
            return;
        }
        if (!apiKey.equals(ctx.request().getHeader("api-key"))) {
            azureError(response, 401, "401", "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide"
                    + " a valid key for an active subscription and use a correct regional API endpoint for your resource.");
            return;
        }
        if (!deployments.contains(deployment) && !BEHAVIOURS.contains(deployment)) {
            azureError(response, 404, "DeploymentNotFound", "The API deployment for this resource does not exist. If you created the"
                    + " deployment within the last 5 minutes, please wait a moment and try again.");
            return;
        }
        if (body == null) {
            openAiError(response, 400, "invalid_request_error", null, null, "We could not parse the JSON body of your request.");
            return;
        }
        if (behaviour(response, deployment, operation)) {
            return;
        }
        try {
            switch (operation) {
                case "chat" -> chat(response, body);
                case "completions" -> completion(response, body);
                default -> embeddings(response, body);
            }
        } catch (Invalid e) {
            openAiError(response, 400, "invalid_request_error", e.param, null, e.getMessage());
        }
    }

    /**
     * The Responses API on Azure's v1 API: no api-version (Azure's v1 takes none), the key in api-key, the deployment as
     * the body's model; answered as OpenAI answers it ({@link ResponsesSimulation}).
     */
    private void responses(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        JsonObject body;
        try {
            body = ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            body = null;
        }
        remember(new Received(ctx.request().path(), ctx.request().getParam("api-version"), ctx.request().getHeader("api-key"), body));
        if (!apiKey.equals(ctx.request().getHeader("api-key"))) {
            azureError(response, 401, "401", "Access denied due to invalid subscription key or wrong API endpoint.");
            return;
        }
        if (body == null) {
            openAiError(response, 400, "invalid_request_error", null, null, "We could not parse the JSON body of your request.");
            return;
        }
        String deployment = body.getString("model", "");
        if (!deployments.contains(deployment) && !BEHAVIOURS.contains(deployment)) {
            azureError(response, 404, "DeploymentNotFound", "The API deployment for this resource does not exist.");
            return;
        }
        if (!behaviour(response, deployment, "responses")) {
            responses.answer(response, body);
        }
    }

    private static boolean behaviour(HttpServerResponse response, String deployment, String operation) {
        switch (deployment) {
            case "throttled" -> {
                response.putHeader("retry-after-ms", "2500");
                azureError(response, 429, "429", "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21"
                        + " have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 3 seconds.");
            }
            case "throttled-seconds" -> {
                response.putHeader("retry-after", "6").putHeader("retry-after-ms", "6000");
                azureError(response, 429, "429", "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21"
                        + " have exceeded call rate limit of your current OpenAI S0 pricing tier. Please retry after 6 seconds.");
            }
            case "filtered" -> {
                JsonObject result = SAFE.copy().put("violence", new JsonObject().put("filtered", true).put("severity", "high"));
                JsonObject error = new JsonObject()
                        .put("message", "The response was filtered due to the prompt triggering Azure OpenAI's content management policy."
                                + " Please modify your prompt and retry.")
                        .putNull("type").put("param", "prompt").put("code", "content_filter").put("status", 400)
                        .put("innererror", new JsonObject().put("code", "ResponsibleAIPolicyViolation")
                                .put("content_filter_result", result));
                response.setStatusCode(400).putHeader("content-type", "application/json")
                        .end(new JsonObject().put("error", error).encode());
            }
            case "fail-500" -> openAiError(response, 500, "server_error", null, null,
                    "The server had an error while processing your request. Sorry about that!");
            case "overloaded" -> azureError(response, 503, "ServiceUnavailable",
                    "The service is temporarily unable to process your request. Please try again later.");
            default -> {
                return false;
            }
        }
        return true;
    }

    private static List<String> stops(JsonObject body) {
        Object stop = body.getValue("stop");
        List<String> stops = new ArrayList<>();
        if (stop instanceof String s) {
            stops.add(s);
        } else if (stop instanceof JsonArray array) {
            array.forEach(s -> stops.add(String.valueOf(s)));
        }
        return stops;
    }

    private static Integer maxTokens(JsonObject body) {
        Object max = body.getValue("max_completion_tokens", body.getValue("max_tokens"));
        return max instanceof Number n ? n.intValue() : null;
    }

    private static void streamOptions(JsonObject body) {
        if (body.getValue("stream_options") != null && !Boolean.TRUE.equals(body.getValue("stream"))) {
            throw new Invalid("stream_options", "The 'stream_options' parameter is only allowed when 'stream' is enabled.");
        }
    }

    private void chat(HttpServerResponse response, JsonObject body) {
        streamOptions(body);
        if (!(body.getValue("messages") instanceof JsonArray messages) || messages.isEmpty()) {
            throw new Invalid("messages", "'messages' must contain at least one message.");
        }
        String system = null;
        String lastUser = "";
        int userTurns = 0;
        int images = 0;
        List<String> texts = new ArrayList<>();
        JsonObject last = null;
        for (int i = 0; i < messages.size(); i++) {
            JsonObject message = messages.getJsonObject(i);
            String role = message.getString("role", "");
            String text = text(message.getValue("content"), "messages[" + i + "].content");
            texts.add(text);
            switch (role) {
                case "system", "developer" -> system = system == null ? text : system + " " + text;
                case "user" -> {
                    userTurns++;
                    lastUser = text;
                    images += images(message.getValue("content"));
                }
                case "assistant" -> toolCalls(message.getValue("tool_calls"), i);
                case "tool" -> {
                    if (!(message.getValue("tool_call_id") instanceof String)) {
                        throw new Invalid("messages[" + i + "].tool_call_id", "Missing required parameter: 'messages[" + i + "].tool_call_id'.");
                    }
                }
                default -> throw new Invalid("messages[" + i + "].role", "Invalid value: '" + role + "'.");
            }
            last = message;
        }
        JsonObject usage = usage(EchoAnswer.words(texts), 0);
        JsonArray tools = body.getJsonArray("tools");
        boolean stream = Boolean.TRUE.equals(body.getValue("stream"));
        boolean includeUsage = body.getJsonObject("stream_options", new JsonObject()).getBoolean("include_usage", false);
        if (tools != null && !tools.isEmpty() && "user".equals(last.getValue("role"))) {
            JsonArray calls = calls(tools, lastUser);
            usage = usage(usage.getInteger("prompt_tokens"), 9);
            if (stream) {
                streamToolCalls(response, calls, includeUsage, usage);
            } else {
                JsonObject message = new JsonObject().put("role", "assistant").putNull("content").put("tool_calls", calls);
                response.putHeader("content-type", "application/json").end(completion(message, "tool_calls", usage).encode());
            }
            return;
        }
        EchoAnswer answer;
        if ("tool".equals(last.getValue("role"))) {
            answer = EchoAnswer.limit("tool said: " + last.getValue("content"), stops(body), maxTokens(body));
        } else if (body.getValue("response_format") instanceof JsonObject format && !"text".equals(format.getValue("type"))) {
            answer = EchoAnswer.limit(new JsonObject().put("echo", lastUser).encode(), stops(body), maxTokens(body));
        } else {
            answer = EchoAnswer.of(lastUser, system, userTurns, images, stops(body), maxTokens(body));
        }
        usage = usage(usage.getInteger("prompt_tokens"), answer.tokens().size());
        if (stream) {
            streamText(response, answer, includeUsage, usage);
        } else {
            JsonObject message = new JsonObject().put("role", "assistant").put("content", answer.text());
            response.putHeader("content-type", "application/json").end(completion(message, answer.finishReason(), usage).encode());
        }
    }

    private static String text(Object content, String at) {
        if (content == null) {
            return "";
        }
        if (content instanceof String s) {
            return s;
        }
        if (!(content instanceof JsonArray parts)) {
            throw new Invalid(at, "Invalid type for '" + at + "': expected one of a string or array of objects.");
        }
        StringBuilder text = new StringBuilder();
        for (Object part : parts) {
            JsonObject p = (JsonObject) part;
            if ("text".equals(p.getValue("type"))) {
                text.append(text.isEmpty() ? "" : "\n").append(p.getString("text"));
            } else if (!"image_url".equals(p.getValue("type"))) {
                throw new Invalid(at, "Invalid content part type: " + p.getValue("type"));
            }
        }
        return text.toString();
    }

    private static int images(Object content) {
        int count = 0;
        if (content instanceof JsonArray parts) {
            for (Object part : parts) {
                JsonObject p = (JsonObject) part;
                if ("image_url".equals(p.getValue("type"))) {
                    String url = p.getJsonObject("image_url", new JsonObject()).getString("url", "");
                    if (!url.startsWith("https://") && !url.startsWith("http://") && !url.startsWith("data:image/")) {
                        throw new Invalid("image_url", "Invalid image URL.");
                    }
                    count++;
                }
            }
        }
        return count;
    }

    private static void toolCalls(Object value, int i) {
        if (value == null) {
            return;
        }
        JsonArray calls = (JsonArray) value;
        for (int k = 0; k < calls.size(); k++) {
            JsonObject call = calls.getJsonObject(k);
            String at = "messages[" + i + "].tool_calls[" + k + "]";
            if (!(call.getValue("id") instanceof String)) {
                throw new Invalid(at + ".id", "Missing required parameter: '" + at + ".id'.");
            }
            if (!(call.getJsonObject("function", new JsonObject()).getValue("arguments") instanceof String)) {
                throw new Invalid(at + ".function.arguments",
                        "Invalid type for '" + at + ".function.arguments': expected a string, but got an object instead.");
            }
        }
    }

    private static JsonArray calls(JsonArray tools, String prompt) {
        int count = prompt.contains("parallel") ? Math.min(2, tools.size()) : 1;
        JsonArray calls = new JsonArray();
        for (int i = 0; i < count; i++) {
            JsonObject function = tools.getJsonObject(i).getJsonObject("function");
            JsonObject arguments = new JsonObject();
            function.getJsonObject("parameters", new JsonObject()).getJsonObject("properties", new JsonObject()).fieldNames()
                    .stream().sorted().forEach(name -> arguments.put(name, prompt));
            calls.add(new JsonObject().put("id", "call_azure_" + i).put("type", "function").put("function",
                    new JsonObject().put("name", function.getString("name")).put("arguments", arguments.encode())));
        }
        return calls;
    }

    private static JsonObject usage(int prompt, int completion) {
        return new JsonObject().put("prompt_tokens", prompt).put("completion_tokens", completion).put("total_tokens", prompt + completion)
                .put("prompt_tokens_details", new JsonObject().put("cached_tokens", 0));
    }

    private static JsonArray promptFilterResults() {
        return new JsonArray().add(new JsonObject().put("prompt_index", 0).put("content_filter_results", SAFE));
    }

    private static JsonObject completion(JsonObject message, String finishReason, JsonObject usage) {
        JsonObject choice = new JsonObject().put("index", 0).put("message", message).put("finish_reason", finishReason)
                .putNull("logprobs").put("content_filter_results", SAFE);
        return new JsonObject().put("id", "chatcmpl-azure").put("object", "chat.completion").put("created", 1_700_000_000)
                .put("model", MODEL).put("system_fingerprint", "fp_azure").put("prompt_filter_results", promptFilterResults())
                .put("choices", new JsonArray().add(choice)).put("usage", usage);
    }

    private static JsonObject chunk(JsonObject delta, String finishReason) {
        JsonObject choice = new JsonObject().put("index", 0).put("delta", delta).put("finish_reason", finishReason).putNull("logprobs");
        if (finishReason == null) {
            choice.put("content_filter_results", SAFE);
        }
        return new JsonObject().put("id", "chatcmpl-azure").put("object", "chat.completion.chunk").put("created", 1_700_000_000)
                .put("model", MODEL).put("system_fingerprint", "fp_azure").put("choices", new JsonArray().add(choice));
    }

    private static void event(HttpServerResponse response, JsonObject data) {
        response.write("data: " + data.encode() + "\n\n");
    }

    /** Azure opens every stream with the prompt's filter results in a chunk without choices. */
    private static void open(HttpServerResponse response) {
        response.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8");
        event(response, new JsonObject().put("choices", new JsonArray()).put("created", 0).put("id", "").put("model", "")
                .put("object", "").put("prompt_filter_results", promptFilterResults()));
    }

    private static void close(HttpServerResponse response, boolean includeUsage, JsonObject usage) {
        if (includeUsage) {
            event(response, chunk(new JsonObject(), null).put("choices", new JsonArray()).put("usage", usage));
        }
        response.end("data: [DONE]\n\n");
    }

    private static void streamText(HttpServerResponse response, EchoAnswer answer, boolean includeUsage, JsonObject usage) {
        open(response);
        event(response, chunk(new JsonObject().put("role", "assistant").put("content", ""), null));
        for (String token : answer.tokens()) {
            event(response, chunk(new JsonObject().put("content", token), null));
        }
        event(response, chunk(new JsonObject(), answer.finishReason()));
        close(response, includeUsage, usage);
    }

    private static void streamToolCalls(HttpServerResponse response, JsonArray calls, boolean includeUsage, JsonObject usage) {
        open(response);
        event(response, chunk(new JsonObject().put("role", "assistant").putNull("content"), null));
        for (int i = 0; i < calls.size(); i++) {
            JsonObject call = calls.getJsonObject(i);
            String arguments = call.getJsonObject("function").getString("arguments");
            int half = arguments.length() / 2;
            event(response, chunk(new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject().put("index", i)
                    .put("id", call.getString("id")).put("type", "function").put("function", new JsonObject()
                            .put("name", call.getJsonObject("function").getString("name")).put("arguments", "")))), null));
            for (String fragment : new String[] {arguments.substring(0, half), arguments.substring(half)}) {
                event(response, chunk(new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject().put("index", i)
                        .put("function", new JsonObject().put("arguments", fragment)))), null));
            }
        }
        event(response, chunk(new JsonObject(), "tool_calls"));
        close(response, includeUsage, usage);
    }

    private static void completion(HttpServerResponse response, JsonObject body) {
        streamOptions(body);
        if (!(body.getValue("prompt") instanceof String prompt)) {
            throw new Invalid("prompt", "Missing required parameter: 'prompt'.");
        }
        EchoAnswer answer = EchoAnswer.limit("echo: " + prompt, stops(body), maxTokens(body));
        JsonObject choice = new JsonObject().put("index", 0).put("text", answer.text()).put("finish_reason", answer.finishReason())
                .putNull("logprobs").put("content_filter_results", SAFE);
        response.putHeader("content-type", "application/json").end(new JsonObject().put("id", "cmpl-azure").put("object", "text_completion")
                .put("created", 1_700_000_000).put("model", "gpt-35-turbo-instruct").put("prompt_filter_results", promptFilterResults())
                .put("choices", new JsonArray().add(choice))
                .put("usage", usage(EchoAnswer.words(List.of(prompt)), answer.tokens().size())).encode());
    }

    private static void embeddings(HttpServerResponse response, JsonObject body) {
        Object input = body.getValue("input");
        List<String> inputs = new ArrayList<>();
        if (input instanceof String s) {
            inputs.add(s);
        } else if (input instanceof JsonArray array) {
            array.forEach(s -> inputs.add(String.valueOf(s)));
        } else {
            throw new Invalid("input", "'input' is a required property");
        }
        JsonArray data = new JsonArray();
        for (int i = 0; i < inputs.size(); i++) {
            data.add(new JsonObject().put("object", "embedding").put("index", i)
                    .put("embedding", new JsonArray().add(0.25 * (i + 1)).add(-0.5).add(0.75)));
        }
        int words = EchoAnswer.words(inputs);
        response.putHeader("content-type", "application/json").end(new JsonObject().put("object", "list").put("data", data)
                .put("model", "text-embedding-3-small").put("usage", new JsonObject().put("prompt_tokens", words).put("total_tokens", words))
                .encode());
    }

    /** Runs the simulator in its own process: {@code AzureOpenAiSimulator [port] [api-key] [deployment...]}. */
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        String key = args.length > 1 ? args[1] : "azure-sim-key";
        Set<String> deployments = args.length > 2 ? Set.of(java.util.Arrays.copyOfRange(args, 2, args.length)) : Set.of("gpt-4o");
        AzureOpenAiSimulator simulator = start(port, key, deployments);
        serveUntilKilled(simulator, "Azure OpenAI simulator listening on " + simulator.baseUrl() + " (deployments " + deployments + ")");
    }
}
