package dev.switchboard.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.routing.RoutingTableCodec;
import picocli.CommandLine;

/** Drives the real picocli command line, as `switchboard validate|render -f DIR` does. */
class ValidateAndRenderCommandTest {

    private static final Path REPO = Path.of(System.getProperty("switchboard.repo.root", "..")).toAbsolutePath().normalize();

    record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new SwitchboardCommand());
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args);
        return new Result(exitCode, out.toString(), err.toString());
    }

    @Test
    void samplesValidate() {
        Result cluster = run("validate", "-f", REPO.resolve("manifests/samples").toString());
        assertThat(cluster.exitCode()).as(cluster.err()).isZero();
        assertThat(cluster.out()).contains("valid (4 providers, 2 model groups, 1 routing policies, 3 secrets)");

        Result local = run("validate", "-f", REPO.resolve("samples/local").toString());
        assertThat(local.exitCode()).as(local.err()).isZero();
    }

    @Test
    void brokenReferenceNamesFileResourceAndField(@TempDir Path copy) throws IOException {
        copyDirectory(REPO.resolve("manifests/samples"), copy);
        Path groups = copy.resolve("modelgroups.yaml");
        Files.writeString(groups, Files.readString(groups).replace("provider: anthropic-main", "provider: anthropic-mian"));

        Result result = run("validate", "-f", copy.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains(
                "modelgroups.yaml: Warning ModelGroup default/chat-smart spec.targets[1].provider: UnknownProvider: Provider anthropic-mian does not exist");
    }

    /** Local files get the cluster's rule: a Secret without the opt-in label is not used, and validate says how to fix it. */
    @Test
    void aSecretThatDidNotOptInIsAnErrorThatSaysHowToLabelIt(@TempDir Path copy) throws IOException {
        copyDirectory(REPO.resolve("manifests/samples"), copy);
        Path secrets = copy.resolve("placeholder-secrets/secrets.yaml");
        Files.writeString(secrets, Files.readString(secrets).replaceFirst("(?m)^  labels:\\n    switchboard.dev/usable: \"true\"\\n", ""));

        Result result = run("validate", "-f", copy.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("Error Provider default/openai-main spec.credentials.secretRef.name: SecretNotOptedIn: "
                + "Secret openai-keys is not labelled switchboard.dev/usable=true").doesNotContain("sk-replace-me");
    }

    @Test
    void schemaViolationNamesTheField(@TempDir Path copy) throws IOException {
        copyDirectory(REPO.resolve("samples/local"), copy);
        Path providers = copy.resolve("providers.yaml");
        Files.writeString(providers, Files.readString(providers).replace("latency: 5ms", "latency: 5 millis"));

        Result result = run("validate", "-f", copy.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("providers.yaml: Error Provider default/sim-fast spec.simulation.latency: InvalidValue");
    }

    @Test
    void renderPrintsTheCanonicalTable() throws IOException {
        Result result = run("render", "-f", REPO.resolve("samples/local").toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode table = new ObjectMapper().readTree(result.out());
        assertThat(table.path("schemaVersion").asInt()).isEqualTo(1);
        assertThat(table.path("models").findValuesAsText("name")).contains("gpt-4o", "gpt-4o-mini", "text-embedding-3-small");
        // Rendering twice gives the same bytes, so the same hash.
        String again = run("render", "-f", REPO.resolve("samples/local").toString()).out();
        assertThat(RoutingTableCodec.hash(again.getBytes())).isEqualTo(RoutingTableCodec.hash(result.out().getBytes()));
    }

    /** The resolved routes of samples/patterns: an exact name over the pattern, a prefix stripped, spellings per provider. */
    @Test
    void renderResolvesPublicNamesAsTheGatewayWould() throws IOException {
        Result result = run("render", "-f", REPO.resolve("samples/patterns").toString(), "--resolve", "anthropic/claude-haiku-4",
                "--resolve", "anthropic/claude-pinned", "--resolve", "gpt-4o-mini", "--resolve", "gpt-4o", "--resolve", "anthropic/unheard-of");

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode resolved = new ObjectMapper().readTree(result.out());
        assertThat(resolved.get(0).path("route").asText()).isEqualTo("anthropic/*");
        assertThat(resolved.get(0).path("targets").findValuesAsText("model")).containsExactly("claude-haiku-4");
        assertThat(resolved.get(1).path("route").asText()).isEqualTo("anthropic/claude-pinned");
        assertThat(resolved.get(1).path("pattern").asBoolean()).isFalse();
        assertThat(resolved.get(2).path("route").asText()).isEqualTo("gpt-*");
        assertThat(resolved.get(2).path("targets").findValuesAsText("model")).containsExactly("openai/gpt-4o-mini");
        assertThat(resolved.get(3).path("targets").findValuesAsText("model")).containsExactly("gpt-4o-2024-08-06", "openai/gpt-4o");
        assertThat(resolved.get(4).path("served").asBoolean()).isFalse();
    }

    @Test
    void renderNeverPrintsSecretValues() {
        Result result = run("render", "-f", REPO.resolve("manifests/samples").toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("/etc/switchboard/secrets/openai-keys/key-1")
                .doesNotContain("sk-replace-me-1", "sb-replace-me-search");
    }

    @Test
    void missingDirectoryIsAUsageError() {
        assertThat(run("validate", "-f", "/nonexistent/switchboard").exitCode()).isEqualTo(2);
    }

    private static void copyDirectory(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.filter(f -> !f.equals(from)).toList()) {
                Files.copy(file, to.resolve(from.relativize(file).toString()));
            }
        }
    }
}
