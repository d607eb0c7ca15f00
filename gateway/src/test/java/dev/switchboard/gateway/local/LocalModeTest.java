package dev.switchboard.gateway.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;

import dev.switchboard.gateway.table.ActiveTable;
import dev.switchboard.gateway.table.RoutingState;
import dev.switchboard.gateway.testing.Http;
import dev.switchboard.gateway.testing.LocalModeTestResource;
import dev.switchboard.routing.SecretFile;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;

/** Local mode: CR YAML in a directory, compiled by the shared compiler, served and recompiled on every edit. */
@QuarkusTest
@QuarkusTestResource(value = LocalModeTestResource.class, restrictToAnnotatedClass = true)
class LocalModeTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TestHTTPResource("/")
    URL root;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @Inject
    RoutingState state;

    @Inject
    MeterRegistry registry;

    OpenAIClient client;

    private URI uri(String path) {
        return URI.create(root.toString()).resolve(path);
    }

    @BeforeEach
    void connect() {
        client = OpenAIOkHttpClient.builder().baseUrl(uri("/v1").toString()).apiKey("none").maxRetries(0).build();
    }

    @AfterEach
    void disconnect() {
        client.close();
    }

    @Test
    void theSamplesAnswerWithSimulatedProviders() {
        HttpResponseFor<ChatCompletion> response = client.chat().completions().withRawResponse().create(
                ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("hello local").build());

        assertThat(response.parse().choices().get(0).message().content()).hasValueSatisfying(text -> assertThat(text).isNotBlank());
        assertThat(response.headers().values("x-switchboard-provider")).first().isIn("sim-fast", "sim-slow");
    }

    @Test
    void secretsFromSecretYamlReachTheUpstreamAndStayPrivateOnDisk() throws Exception {
        client.chat().completions().create(ChatCompletionCreateParams.builder().model("echo").addUserMessage("key?").build());

        assertThat(LocalModeTestResource.simulator().last().authorization()).isEqualTo("Bearer " + LocalModeTestResource.LOCAL_KEY);
        ActiveTable table = state.current();
        SecretFile key = table.table().provider("echo-upstream").credentials().get(0);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(key.path())))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(key.path()).getParent()))).isEqualTo("rwx------");
    }

    @Test
    void theSimulatedProvidersRefuseWhatOpenAiRefuses() {
        HttpResponse<String> notAnArray = chat("{\"model\":\"gpt-4o\",\"messages\":\"hello\"}");
        HttpResponse<String> badRole = chat("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]}");
        HttpResponse<String> unknown = chat("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temprature\":1}");
        HttpResponse<String> outOfRange = chat("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":3}");
        HttpResponse<String> noInput = Http.post(uri("/v1/embeddings"), "{\"model\":\"text-embedding-3-small\"}");

        assertRefused(notAnArray, "messages", "invalid_type");
        assertThat(Http.error(notAnArray).getString("message")).isEqualTo("Invalid type for 'messages': expected an array, but got a string instead.");
        assertRefused(badRole, "messages[0].role", "invalid_value");
        assertRefused(unknown, null, null);
        assertThat(Http.error(unknown).getString("message")).isEqualTo("Unrecognized request argument supplied: temprature");
        assertRefused(outOfRange, "temperature", "decimal_above_max_value");
        assertRefused(noInput, "input", "missing_required_parameter");
    }

    @Test
    void theSimulatedProvidersKeepToTheirTimeouts() {
        HttpResponse<String> late = chat("{\"model\":\"late\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        HttpResponse<String> halting = chat("{\"model\":\"halting\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(late.statusCode()).isEqualTo(504);
        assertThat(Http.error(late).getString("code")).isEqualTo("upstream_timeout");
        assertThat(Http.error(late).getString("message")).contains("no response within 300 ms");
        // The stream started, so it ends with an error event instead of its [DONE].
        assertThat(halting.statusCode()).isEqualTo(200);
        assertThat(halting.body()).contains("no data for 300 ms").doesNotContain("[DONE]");
    }

    private HttpResponse<String> chat(String body) {
        return Http.post(uri("/v1/chat/completions"), body);
    }

    private static void assertRefused(HttpResponse<String> response, String param, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonObject error = Http.error(response);
        assertThat(error.getString("type")).isEqualTo("invalid_request_error");
        assertThat(error.getString("param")).isEqualTo(param);
        assertThat(error.getString("code")).isEqualTo(code);
    }

    @Test
    void editsAreServedAndBrokenEditsKeepTheLastGoodTable() throws Exception {
        Path extra = LocalModeTestResource.sourceDir().resolve("extra.yaml");
        Files.writeString(extra, """
                apiVersion: switchboard.dev/v1alpha1
                kind: ModelGroup
                metadata:
                  name: added
                spec:
                  model: added
                  targets:
                  - {provider: sim-fast, model: sim-added}
                """);
        await(() -> Http.get(uri("/v1/models/added")).statusCode() == 200, "the added model");

        double failuresBefore = failures();
        Files.writeString(extra, """
                apiVersion: switchboard.dev/v1alpha1
                kind: ModelGroup
                metadata:
                  name: added
                spec:
                  model: added
                  targets:
                  - {provider: no-such-provider, model: x}
                """);
        await(() -> failures() > failuresBefore, "the broken edit to be rejected");
        assertThat(Http.get(uri("/v1/models/added")).statusCode()).isEqualTo(200);
        // The console (open in local mode: the samples set no admin key) shows the compiler's problem.
        JsonObject reloads = new JsonObject(Http.get(URI.create(management.toString()).resolve("/console/api/reloads")).body());
        JsonObject newest = reloads.getJsonArray("attempts").getJsonObject(0);
        assertThat(newest.getBoolean("accepted")).isFalse();
        assertThat(newest.getJsonArray("problems").encode()).contains("no-such-provider");
        assertThat(reloads.getString("serving")).isEqualTo(state.current().hash());

        Files.delete(extra);
        await(() -> Http.get(uri("/v1/models/added")).statusCode() == 404, "the removed model");
    }

    private double failures() {
        Counter counter = registry.find("switchboard.reloads").tag("result", "failure").counter();
        return counter == null ? 0 : counter.count();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
