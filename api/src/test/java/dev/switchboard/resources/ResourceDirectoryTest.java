package dev.switchboard.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.switchboard.compiler.Problem;
import dev.switchboard.compiler.ProblemReason;
import dev.switchboard.compiler.ResourceRef;

/** Loading a directory of YAML: unknown fields, broken files, Secrets with env references, missing names. */
class ResourceDirectoryTest {

    @TempDir
    Path directory;

    private Path write(String name, String text) throws IOException {
        Path file = directory.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private static final String SIM = """
            apiVersion: switchboard.dev/v1alpha1
            kind: Provider
            metadata: {name: sim}
            spec: {type: Simulated}
            """;

    @Test
    void unknownFieldIsAWarningNamingTheFieldAndTheResourceStillLoads() throws IOException {
        Path file = write("group.yaml", """
                apiVersion: switchboard.dev/v1alpha1
                kind: ModelGroup
                metadata: {name: chat}
                spec:
                  model: chat
                  stratgy: Priority
                  targets:
                  - {provider: sim}
                  - {provider: sim-2, wieght: 3}
                  deprecation: {sunset: "2027-01-01", replacment: chat-2}
                """);
        LoadedResources loaded = ResourceDirectory.load(directory, name -> null);
        ResourceRef chat = new ResourceRef("ModelGroup", "default", "chat");
        assertThat(loaded.problems())
                .extracting(Problem::resource, Problem::field, Problem::reason, Problem::severity)
                .containsExactlyInAnyOrder(
                        tuple(chat, "spec.stratgy", ProblemReason.InvalidValue, Problem.Severity.Warning),
                        tuple(chat, "spec.targets[1].wieght", ProblemReason.InvalidValue, Problem.Severity.Warning),
                        tuple(chat, "spec.deprecation.replacment", ProblemReason.InvalidValue, Problem.Severity.Warning));
        assertThat(loaded.problems()).allSatisfy(p -> assertThat(p.message()).contains("unknown field"));
        assertThat(loaded.fileOf(chat)).isEqualTo(file);
        assertThat(loaded.modelGroups()).singleElement().satisfies(group -> {
            assertThat(group.getSpec().model()).isEqualTo("chat");
            assertThat(group.getSpec().targets()).hasSize(2);
            assertThat(group.getSpec().deprecation().sunset()).isEqualTo("2027-01-01");
        });
    }

    @Test
    void invalidYamlIsAFileProblemAndOtherFilesStillLoad() throws IOException {
        Path broken = write("broken.yaml", "apiVersion: switchboard.dev/v1alpha1\nkind: Provider\nmetadata: {name: [unclosed\n");
        write("sim.yaml", SIM);
        LoadedResources loaded = ResourceDirectory.load(directory, name -> null);
        assertThat(loaded.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.resource().kind()).isEqualTo("File");
            assertThat(loaded.fileOf(problem.resource())).isEqualTo(broken);
            assertThat(problem.severity()).isEqualTo(Problem.Severity.Error);
            assertThat(problem.message()).startsWith("not valid YAML");
        });
        assertThat(loaded.providers()).extracting(p -> p.getMetadata().getName()).containsExactly("sim");
    }

    @Test
    void duplicateKeysAreAFileProblemAsForKubectl() throws IOException {
        Path file = write("dup.yaml", "apiVersion: switchboard.dev/v1alpha1\nkind: Provider\nmetadata: {name: p}\nspec: {type: Simulated, type: Ollama}\n");
        LoadedResources loaded = ResourceDirectory.load(directory, name -> null);
        assertThat(loaded.problems()).singleElement().satisfies(problem -> {
            assertThat(loaded.fileOf(problem.resource())).isEqualTo(file);
            assertThat(problem.message()).startsWith("not valid YAML").contains("type");
        });
        assertThat(loaded.providers()).isEmpty();
    }

    @Test
    void secretEnvReferencesResolveThroughTheInjectedEnvironment() throws IOException {
        write("secrets.yaml", """
                apiVersion: v1
                kind: Secret
                metadata: {name: keys, labels: {switchboard.dev/usable: "true"}}
                stringData:
                  set: ${env:SWITCHBOARD_TEST_SET}
                  unset: ${env:SWITCHBOARD_TEST_UNSET}
                  literal: plain-value
                  embedded: prefix-${env:SWITCHBOARD_TEST_SET}
                data:
                  from-data: %s
                """.formatted(java.util.Base64.getEncoder().encodeToString("${env:SWITCHBOARD_TEST_SET}".getBytes())));
        Map<String, String> env = Map.of("SWITCHBOARD_TEST_SET", "value-from-env");
        LoadedResources loaded = ResourceDirectory.load(directory, env::get);
        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.secrets()).singleElement().satisfies(secret -> {
            assertThat(secret.name()).isEqualTo("keys");
            assertThat(secret.data()).containsOnly(
                    Map.entry("set", "value-from-env"),
                    Map.entry("literal", "plain-value"),
                    Map.entry("embedded", "prefix-${env:SWITCHBOARD_TEST_SET}"),
                    Map.entry("from-data", "value-from-env"));
            assertThat(secret.toString()).doesNotContain("value-from-env", "plain-value");
        });
        assertThat(loaded.secretIndex().keysOf("keys")).containsExactly("embedded", "from-data", "literal", "set");

        LoadedResources withoutEnv = ResourceDirectory.load(directory, name -> null);
        assertThat(withoutEnv.secretIndex().keysOf("keys")).as("unset variables make the key absent")
                .containsExactly("embedded", "literal");
    }

    @Test
    void missingNameIsAnErrorAndTheResourceIsLeftOut() throws IOException {
        Path file = write("nameless.yaml", """
                apiVersion: switchboard.dev/v1alpha1
                kind: Provider
                metadata: {labels: {tier: local}}
                spec: {type: Simulated}
                """);
        LoadedResources loaded = ResourceDirectory.load(directory, name -> null);
        assertThat(loaded.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.field()).isEqualTo("metadata.name");
            assertThat(problem.severity()).isEqualTo(Problem.Severity.Error);
            assertThat(problem.resource().kind()).isEqualTo("Provider");
            assertThat(loaded.fileOf(problem.resource())).isEqualTo(file);
        });
        assertThat(loaded.providers()).isEmpty();
    }

    @Test
    void blankOrMalformedMetadataIsAnErrorNotACrash() throws IOException {
        write("blank.yaml", SIM.replace("metadata: {name: sim}", "metadata: {name: ' '}"));
        write("string.yaml", SIM.replace("metadata: {name: sim}", "metadata: sim"));
        write("list.yaml", SIM.replace("metadata: {name: sim}", "metadata: [sim]"));
        LoadedResources loaded = ResourceDirectory.load(directory, name -> null);
        assertThat(loaded.problems()).hasSize(3).allSatisfy(problem -> {
            assertThat(problem.field()).isEqualTo("metadata.name");
            assertThat(problem.severity()).isEqualTo(Problem.Severity.Error);
        });
        assertThat(loaded.providers()).isEmpty();
    }

    @Test
    void secretDataThatIsNotBase64IsAnErrorNotACrash() throws IOException {
        write("secret.yaml", """
                apiVersion: v1
                kind: Secret
                metadata: {name: keys}
                data:
                  good: c2stZ29vZA==
                  plain: sk-not-base64 value
                """);
        LoadedResources loaded = ResourceDirectory.load(directory, name -> null);
        assertThat(loaded.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.resource()).isEqualTo(new ResourceRef("Secret", "default", "keys"));
            assertThat(problem.field()).isEqualTo("data.plain");
            assertThat(problem.severity()).isEqualTo(Problem.Severity.Error);
            assertThat(problem.message()).contains("base64").doesNotContain("sk-not-base64");
        });
        assertThat(loaded.secrets()).as("the API server would reject the whole Secret").isEmpty();
    }

    @Test
    void foreignObjectsAreIgnoredUnknownKindsReportedSubdirectoriesRead() throws IOException {
        write("other.yaml", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: llm}
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: Gateway
                metadata: {name: gw}
                spec: {}
                """);
        write("nested/deeper/sim.yml", SIM);
        write("notes.txt", "kind: Provider\n");
        LoadedResources loaded = ResourceDirectory.load(directory, name -> null);
        assertThat(loaded.problems()).extracting(Problem::resource, Problem::field)
                .containsExactly(tuple(new ResourceRef("Gateway", "default", "gw"), "kind"));
        assertThat(loaded.providers()).singleElement()
                .satisfies(p -> assertThat(p.getMetadata().getNamespace()).as("default namespace").isEqualTo("default"));
    }

    @Test
    void foreignDocumentsNeedNoNameButOursNeedAnApiVersion() throws IOException {
        write("kustomization.yaml", """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [sim.yaml]
                """);
        write("sim.yaml", SIM);
        write("no-api-version.yaml", "kind: Provider\nmetadata: {name: forgotten}\nspec: {type: Simulated}\n");
        LoadedResources loaded = ResourceDirectory.load(directory, name -> null);
        assertThat(loaded.problems()).extracting(Problem::resource, Problem::field)
                .containsExactly(tuple(new ResourceRef("Provider", "default", "forgotten"), "apiVersion"));
        assertThat(loaded.providers()).extracting(p -> p.getMetadata().getName()).containsExactly("sim");
    }

    @Test
    void aResourceDefinedTwiceIsReportedAndTheFirstCopyUsed() throws IOException {
        Path first = write("a.yaml", SIM);
        Path second = write("b/sim-again.yaml", SIM.replace("type: Simulated", "type: Ollama"));
        write("c.yaml", SIM.replace("metadata: {name: sim}", "metadata: {name: sim, namespace: other}"));
        LoadedResources loaded = ResourceDirectory.load(directory, name -> null);
        assertThat(loaded.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.resource()).isEqualTo(new ResourceRef("Provider", "default", "sim"));
            assertThat(problem.field()).isEqualTo("metadata.name");
            assertThat(problem.message()).contains(second.toString(), first.toString());
        });
        assertThat(loaded.providers()).extracting(p -> p.getMetadata().getNamespace() + "/" + p.getSpec().type())
                .containsExactly("default/Simulated", "other/Simulated");
    }

    @Test
    void explicitNamespaceIsKept() throws IOException {
        write("sim.yaml", SIM.replace("metadata: {name: sim}", "metadata: {name: sim, namespace: llm}"));
        LoadedResources loaded = ResourceDirectory.load(directory, name -> null);
        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.providers().get(0).getMetadata().getNamespace()).isEqualTo("llm");
    }
}
