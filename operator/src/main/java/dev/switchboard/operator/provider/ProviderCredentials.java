package dev.switchboard.operator.provider;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import dev.switchboard.api.v1alpha1.ProviderSpec;
import dev.switchboard.compiler.ResourceRef;
import dev.switchboard.compiler.SecretIndex;
import dev.switchboard.operator.common.SecretLookup;
import io.fabric8.kubernetes.api.model.Secret;

/**
 * What a Provider's Secret yields: how many keys its pool has, or why it has none. The one key value it exposes is
 * used for the discovery request only and never stored or logged. The Secret must have opted in and, when it names
 * its users, name this Provider; values with a line break are left out of the pool.
 */
record ProviderCredentials(Status status, String secretName, Set<String> keys, List<String> problemKeys, String usableBy,
        String discoveryKey) {

    enum Status {
        NotNeeded, SecretNotFound, NotOptedIn, NotAllowed, MissingKeys, NoKeys, InvalidValues, Resolved
    }

    static ProviderCredentials resolve(ResourceRef provider, ProviderSpec spec, Secret secret) {
        ProviderSpec.SecretRef ref = spec == null || spec.credentials() == null ? null : spec.credentials().secretRef();
        if (ref == null) {
            return new ProviderCredentials(Status.NotNeeded, null, Set.of(), List.of(), null, null);
        }
        if (secret == null) {
            return failed(Status.SecretNotFound, ref.name(), List.of(), null);
        }
        SecretIndex.Builder builder = SecretIndex.builder();
        SecretLookup.index(builder, secret);
        SecretIndex index = builder.build();
        switch (index.standing(ref.name(), provider)) {
            case NOT_OPTED_IN:
                return failed(Status.NotOptedIn, ref.name(), List.of(), null);
            case NOT_ALLOWED:
                return failed(Status.NotAllowed, ref.name(), List.of(), String.join(", ", index.usableBy(ref.name())));
            default:
                break;
        }
        Set<String> present = index.keysOf(ref.name());
        Set<String> selected = new TreeSet<>(ref.keys() == null || ref.keys().isEmpty() ? present : ref.keys());
        List<String> missing = selected.stream().filter(k -> !present.contains(k)).toList();
        if (!missing.isEmpty()) {
            return failed(Status.MissingKeys, ref.name(), missing, null);
        }
        if (selected.isEmpty()) {
            return failed(Status.NoKeys, ref.name(), List.of(), null);
        }
        List<String> multiLine = selected.stream().filter(k -> !index.value(ref.name(), k).singleLine()).toList();
        selected.removeAll(multiLine);
        if (selected.isEmpty()) {
            return failed(Status.InvalidValues, ref.name(), multiLine, null);
        }
        Map<String, String> values = SecretLookup.values(secret);
        return new ProviderCredentials(Status.Resolved, ref.name(), selected, multiLine, null, values.get(selected.iterator().next()).strip());
    }

    private static ProviderCredentials failed(Status status, String secret, List<String> keys, String usableBy) {
        return new ProviderCredentials(status, secret, Set.of(), keys, usableBy, null);
    }

    /** Keep the key out of toString: records print every component. */
    @Override
    public String toString() {
        return "ProviderCredentials[" + status + ", secret=" + secretName + ", keys=" + keys.size() + "]";
    }
}
