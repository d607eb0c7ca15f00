package dev.switchboard.compiler;

import java.util.List;

import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.RoutingPolicy;

/**
 * Everything the compiler reads: one policy, the Providers and ModelGroups of its namespace (in any order;
 * the compiler selects and sorts), which Secret keys exist, where the gateway finds Secret files, and the
 * cluster's ServiceAccount issuer (null without a cluster, as in local mode).
 */
public record CompilerInput(
        RoutingPolicy policy,
        List<Provider> providers,
        List<ModelGroup> modelGroups,
        SecretIndex secrets,
        String secretRoot,
        ClusterIssuer clusterIssuer) {

    public CompilerInput(RoutingPolicy policy, List<Provider> providers, List<ModelGroup> modelGroups, SecretIndex secrets, String secretRoot) {
        this(policy, providers, modelGroups, secrets, secretRoot, null);
    }

    /** Where the operator mounts Secrets in gateway pods: one directory per Secret, one file per key. */
    public static final String DEFAULT_SECRET_ROOT = "/etc/switchboard/secrets";

    public CompilerInput {
        providers = providers == null ? List.of() : List.copyOf(providers);
        modelGroups = modelGroups == null ? List.of() : List.copyOf(modelGroups);
        secrets = secrets == null ? SecretIndex.empty() : secrets;
        secretRoot = secretRoot == null ? DEFAULT_SECRET_ROOT : secretRoot;
    }
}
