package dev.switchboard.operator.provider;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import dev.switchboard.api.v1alpha1.ProviderSpec;
import io.fabric8.kubernetes.api.model.Secret;

/**
 * What a Provider's Secret yields: how many keys its pool has, or why it has none. The one key value it
 * exposes is used for the discovery request only and never stored or logged.
 */
record ProviderCredentials(Status status, String secretName, Set<String> keys, List<String> missingKeys, String discoveryKey) {

    enum Status {
        NotNeeded, SecretNotFound, MissingKeys, NoKeys, Resolved
    }

    static ProviderCredentials resolve(ProviderSpec spec, Secret secret) {
        ProviderSpec.SecretRef ref = spec == null || spec.credentials() == null ? null : spec.credentials().secretRef();
        if (ref == null) {
            return new ProviderCredentials(Status.NotNeeded, null, Set.of(), List.of(), null);
        }
        if (secret == null) {
            return new ProviderCredentials(Status.SecretNotFound, ref.name(), Set.of(), List.of(), null);
        }
        Set<String> present = new TreeSet<>();
        if (secret.getData() != null) {
            present.addAll(secret.getData().keySet());
        }
        if (secret.getStringData() != null) {
            present.addAll(secret.getStringData().keySet());
        }
        Set<String> selected = new TreeSet<>(ref.keys() == null || ref.keys().isEmpty() ? present : ref.keys());
        List<String> missing = selected.stream().filter(k -> !present.contains(k)).toList();
        selected.retainAll(present);
        if (!missing.isEmpty()) {
            return new ProviderCredentials(Status.MissingKeys, ref.name(), selected, missing, null);
        }
        if (selected.isEmpty()) {
            return new ProviderCredentials(Status.NoKeys, ref.name(), selected, List.of(), null);
        }
        return new ProviderCredentials(Status.Resolved, ref.name(), selected, List.of(), valueOf(secret, selected.iterator().next()));
    }

    private static String valueOf(Secret secret, String key) {
        if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
            return secret.getStringData().get(key).trim();
        }
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8).trim();
    }

    /** Keep the key out of toString: records print every component. */
    @Override
    public String toString() {
        return "ProviderCredentials[" + status + ", secret=" + secretName + ", keys=" + keys.size() + "]";
    }
}
