package dev.switchboard.compiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.switchboard.resources.LoadedResources;
import dev.switchboard.resources.ResourceDirectory;
import dev.switchboard.routing.SecretFile;

/** Credentials become Secret file paths under the secret root; no Secret value ever reaches the table. */
class SecretReferenceTest {

    private static final List<String> CANARIES = List.of("sk-CANARY-string-data", "sk-CANARY-base64-data", "sk-CANARY-from-env",
            "sb-CANARY-client");

    @Test
    void credentialsMapToFilesAndNoValueLeaks(@TempDir Path directory) throws IOException {
        Files.writeString(directory.resolve("all.yaml"), """
                apiVersion: v1
                kind: Secret
                metadata: {name: openai-keys, labels: {switchboard.dev/usable: "true"}}
                stringData:
                  key-b: sk-CANARY-string-data
                data:
                  key-a: %s
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: anthropic-keys, labels: {switchboard.dev/usable: "true"}}
                stringData:
                  primary: ${env:ANTHROPIC_KEY}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: client-keys, labels: {switchboard.dev/usable: "true"}}
                stringData:
                  search: sb-CANARY-client
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: Provider
                metadata: {name: openai}
                spec:
                  type: OpenAI
                  credentials: {secretRef: {name: openai-keys}}
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: Provider
                metadata: {name: anthropic}
                spec:
                  type: Anthropic
                  credentials: {secretRef: {name: anthropic-keys, keys: [primary]}}
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: ModelGroup
                metadata: {name: chat}
                spec:
                  model: chat
                  targets: [{provider: openai, model: gpt-4o}, {provider: anthropic, model: claude-sonnet-4-5}]
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: RoutingPolicy
                metadata: {name: gateway}
                spec:
                  access:
                    clients: [{name: search, keyRef: {name: client-keys, key: search}}]
                """.formatted(Base64.getEncoder().encodeToString("sk-CANARY-base64-data".getBytes(StandardCharsets.UTF_8))));
        LoadedResources loaded = ResourceDirectory.load(directory, name -> name.equals("ANTHROPIC_KEY") ? "sk-CANARY-from-env" : null);
        assertThat(loaded.problems()).isEmpty();
        assertThat(loaded.secrets()).hasSize(3);
        assertThat(loaded.secrets().get(0).data().values()).as("the loader did read the values").isNotEmpty();

        Compilation c = RoutingCompiler.compile(new CompilerInput(loaded.policies().get(0), loaded.providers(), loaded.modelGroups(),
                loaded.secretIndex(), "/run/switchboard/secrets"));
        assertThat(c.problems()).isEmpty();

        assertThat(c.table().provider("openai").credentials()).containsExactly(
                new SecretFile("openai-keys", "key-a", "/run/switchboard/secrets/openai-keys/key-a"),
                new SecretFile("openai-keys", "key-b", "/run/switchboard/secrets/openai-keys/key-b"));
        assertThat(c.table().provider("anthropic").credentials()).containsExactly(
                new SecretFile("anthropic-keys", "primary", "/run/switchboard/secrets/anthropic-keys/primary"));
        assertThat(c.table().access().clients().get(0).key())
                .isEqualTo(new SecretFile("client-keys", "search", "/run/switchboard/secrets/client-keys/search"));

        String json = new String(c.json(), StandardCharsets.UTF_8);
        String everythingPrinted = json + c.problems() + loaded.secrets() + c.table();
        for (String canary : CANARIES) {
            assertThat(everythingPrinted).doesNotContain(canary);
            assertThat(everythingPrinted).doesNotContain(Base64.getEncoder().encodeToString(canary.getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(everythingPrinted).doesNotContain("CANARY");
    }

    @Test
    void defaultSecretRootIsTheOperatorMount() {
        Compilation c = Fixtures.input()
                .providers(Fixtures.provider("openai", "{type: OpenAI, credentials: {secretRef: {name: keys, keys: [k2]}}}"))
                .groups(Fixtures.simpleGroup("chat", "openai"))
                .secrets(Fixtures.secrets("secret:keys", "k1", "k2"))
                .compile();
        assertThat(c.table().provider("openai").credentials()).as("only the selected key")
                .containsExactly(new SecretFile("keys", "k2", CompilerInput.DEFAULT_SECRET_ROOT + "/keys/k2"));
        assertThat(CompilerInput.DEFAULT_SECRET_ROOT).isEqualTo("/etc/switchboard/secrets");
    }
}
