package dev.switchboard.operator.provider;

import static dev.switchboard.operator.testing.Cluster.condition;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.api.v1alpha1.Condition;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.SecretUse;
import dev.switchboard.compiler.ResourceRef;
import dev.switchboard.operator.testing.Cluster;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;

class ProviderStatusFactoryTest {

    static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");

    final Provider provider = Cluster.yaml(Provider.class, """
            apiVersion: switchboard.dev/v1alpha1
            kind: Provider
            metadata: {name: openai, namespace: team-a, generation: 3}
            spec:
              type: OpenAI
              credentials: {secretRef: {name: openai-keys, keys: [key-1, key-2]}}
              discovery: {enabled: true}
            """);

    static Secret secret(Map<String, String> data) {
        return new SecretBuilder().withNewMetadata().withName("openai-keys").withLabels(Map.of(SecretUse.LABEL, SecretUse.LABEL_VALUE))
                .endMetadata().withData(data).build();
    }

    static ProviderStatusFactory at(Instant now) {
        return new ProviderStatusFactory(Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void countsKeysAndListsModelsWithoutCopyingValues() {
        var credentials = ProviderCredentials.resolve(ResourceRef.of(provider), provider.getSpec(), secret(Map.of("key-1", "c2stMQ==", "key-2", "c2stMg==", "other", "eA==")));

        var status = at(T0).create(provider, List.of(), credentials, true, new ModelDiscovery.Listed(List.of("gpt-4o", "gpt-4o-mini")));

        assertThat(status.keys()).isEqualTo(2);
        assertThat(status.models()).containsExactly("gpt-4o", "gpt-4o-mini");
        assertThat(status.modelCount()).isEqualTo(2);
        assertThat(status.lastDiscoveryTime()).isEqualTo("2026-11-22T08:00:00Z");
        assertThat(status.observedGeneration()).isEqualTo(3L);
        assertThat(status.conditions()).extracting(Condition::type, Condition::status).containsExactly(
                org.assertj.core.groups.Tuple.tuple("Accepted", "True"),
                org.assertj.core.groups.Tuple.tuple("CredentialsResolved", "True"),
                org.assertj.core.groups.Tuple.tuple("Reachable", "True"),
                org.assertj.core.groups.Tuple.tuple("Ready", "True"));
        assertThat(status.toString()).doesNotContain("sk-1", "c2stMQ");
        assertThat(credentials.toString()).doesNotContain("sk-1");
    }

    @Test
    void aMissingKeyIsNamedAndAFailedListingKeepsTheLastModels() {
        var resolved = ProviderCredentials.resolve(ResourceRef.of(provider), provider.getSpec(), secret(Map.of("key-1", "c2stMQ==", "key-2", "c2stMg==")));
        provider.setStatus(at(T0).create(provider, List.of(), resolved, true, new ModelDiscovery.Listed(List.of("gpt-4o"))));

        var missing = ProviderCredentials.resolve(ResourceRef.of(provider), provider.getSpec(), secret(Map.of("key-1", "c2stMQ==")));
        var later = at(T0.plusSeconds(600)).create(provider, List.of(), missing, true, new ModelDiscovery.Failed("Unreachable", "connection refused"));

        Condition credentials = condition(later.conditions(), "CredentialsResolved");
        assertThat(credentials.status()).isEqualTo("False");
        assertThat(credentials.reason()).isEqualTo("MissingSecretKey");
        assertThat(credentials.message()).isEqualTo("Secret openai-keys has no key key-2");
        assertThat(credentials.lastTransitionTime()).isEqualTo("2026-11-22T08:10:00Z");
        assertThat(condition(later.conditions(), "Reachable").reason()).isEqualTo("Unreachable");
        assertThat(condition(later.conditions(), "Ready").reason()).isEqualTo("MissingSecretKey");
        assertThat(later.models()).containsExactly("gpt-4o");
        assertThat(later.lastDiscoveryTime()).as("time of the last successful listing").isEqualTo("2026-11-22T08:00:00Z");
    }

    @Test
    void recomputingAnUnchangedWorldLaterGivesAnEqualStatus() {
        var credentials = ProviderCredentials.resolve(ResourceRef.of(provider), provider.getSpec(), secret(Map.of("key-1", "c2stMQ==", "key-2", "c2stMg==")));
        provider.setStatus(at(T0).create(provider, List.of(), credentials, true, new ModelDiscovery.Listed(List.of("gpt-4o"))));

        assertThat(at(T0.plusSeconds(30)).create(provider, List.of(), credentials, true, null)).isEqualTo(provider.getStatus());
    }
}
