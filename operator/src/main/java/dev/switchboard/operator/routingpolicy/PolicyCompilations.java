package dev.switchboard.operator.routingpolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.api.v1alpha1.LabelSelector;
import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.ModelGroupSpec;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.api.v1alpha1.RoutingPolicySpec;
import dev.switchboard.compiler.ClusterIssuer;
import dev.switchboard.compiler.Compilation;
import dev.switchboard.compiler.CompilerInput;
import dev.switchboard.compiler.Problem;
import dev.switchboard.compiler.ResourceRef;
import dev.switchboard.compiler.RoutingCompiler;
import dev.switchboard.compiler.SecretIndex;
import dev.switchboard.operator.common.SecretLookup;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.ManagedInformerEventSource;

/**
 * Compiles a RoutingPolicy from the informer caches, once per reconcile: the ConfigMap and Deployment
 * dependents and the status all read the same compilation, memoised in the reconcile's context.
 */
@ApplicationScoped
public class PolicyCompilations {

    static final String CONTEXT_KEY = PolicyCompilations.class.getName();

    private final DependencyIndex index;
    private final SecretLookup secretLookup;
    private final ClusterIssuerKeys clusterIssuer;

    public PolicyCompilations(DependencyIndex index, SecretLookup secretLookup, ClusterIssuerKeys clusterIssuer) {
        this.index = index;
        this.secretLookup = secretLookup;
        this.clusterIssuer = clusterIssuer;
    }

    public Compilation of(RoutingPolicy policy, Context<RoutingPolicy> context) {
        var shared = context.managedWorkflowAndDependentResourceContext();
        return shared.get(CONTEXT_KEY, Compilation.class).orElseGet(() -> {
            Compilation compilation = compile(policy, context);
            shared.put(CONTEXT_KEY, compilation);
            return compilation;
        });
    }

    private Compilation compile(RoutingPolicy policy, Context<RoutingPolicy> context) {
        String namespace = policy.getMetadata().getNamespace();
        List<Provider> providers = cache(context, Provider.class).list(namespace, p -> true).toList();
        List<ModelGroup> groups = cache(context, ModelGroup.class).list(namespace, g -> true).toList();
        PolicyDependencies dependencies = dependenciesOf(policy, providers, groups);
        index.record(ResourceID.fromResource(policy), dependencies);

        var secretCache = cache(context, Secret.class);
        SecretIndex.Builder secrets = SecretIndex.builder();
        for (String name : dependencies.secrets()) {
            Secret secret = secretLookup.find(secretCache.get(new ResourceID(name, namespace)), namespace, name);
            if (secret != null) {
                SecretLookup.index(secrets, secret);
            }
        }
        // Only a policy that trusts the cluster's ServiceAccount issuer makes the operator read it.
        ClusterIssuer cluster = ClusterIssuerKeys.usesClusterIssuer(policy) ? clusterIssuer.current() : null;
        Compilation compilation = RoutingCompiler.compile(new CompilerInput(policy, providers, groups, secrets.build(), null, cluster));
        return withoutUnusedProviders(compilation, dependencies, providers);
    }

    /**
     * The compiler checks every Provider of the namespace; the policy reports only those its groups use. The others'
     * Secrets are not looked up for it (so they would read as missing), and their problems are on their own status.
     */
    private static Compilation withoutUnusedProviders(Compilation compilation, PolicyDependencies dependencies, List<Provider> providers) {
        Set<ResourceRef> unused = providers.stream()
                .filter(p -> !dependencies.usesProvider(p.getMetadata().getName(), p.getMetadata().getLabels()))
                .map(ResourceRef::of)
                .collect(Collectors.toSet());
        List<Problem> relevant = compilation.problems().stream().filter(p -> !unused.contains(p.resource())).toList();
        return new Compilation(compilation.table(), compilation.json(), compilation.hash(), relevant);
    }

    static PolicyDependencies dependenciesOf(RoutingPolicy policy, List<Provider> providers, List<ModelGroup> groups) {
        RoutingPolicySpec spec = policy.getSpec();
        LabelSelector selector = spec == null ? null : spec.modelGroupSelector();
        Set<String> groupNames = new TreeSet<>();
        Set<String> providerNames = new TreeSet<>();
        List<LabelSelector> providerSelectors = new ArrayList<>();
        for (ModelGroup group : groups) {
            if (!LabelSelector.matches(selector, group.getMetadata().getLabels())) {
                continue;
            }
            groupNames.add(group.getMetadata().getName());
            ModelGroupSpec groupSpec = group.getSpec();
            if (groupSpec == null) {
                continue;
            }
            if (groupSpec.targets() != null) {
                groupSpec.targets().forEach(t -> providerNames.add(t.provider()));
            }
            if (groupSpec.aggregate() != null) {
                providerSelectors.add(groupSpec.aggregate().providerSelector());
            }
        }
        Set<String> secrets = new TreeSet<>();
        for (Provider provider : providers) {
            String name = provider.getMetadata().getName();
            boolean used = providerNames.contains(name) || providerSelectors.stream()
                    .anyMatch(s -> LabelSelector.matches(s, provider.getMetadata().getLabels()));
            var credentials = provider.getSpec() == null ? null : provider.getSpec().credentials();
            if (used && credentials != null && credentials.secretRef() != null) {
                secrets.add(credentials.secretRef().name());
            }
        }
        if (spec != null && spec.access() != null && spec.access().clients() != null) {
            spec.access().clients().stream()
                    .filter(c -> c.keyRef() != null && c.keyRef().name() != null)
                    .forEach(c -> secrets.add(c.keyRef().name()));
        }
        if (spec != null && spec.access() != null) {
            var access = spec.access();
            if (access.adminKeyRef() != null && access.adminKeyRef().name() != null) {
                secrets.add(access.adminKeyRef().name());
            }
            if (access.redis() != null && access.redis().passwordRef() != null && access.redis().passwordRef().name() != null) {
                secrets.add(access.redis().passwordRef().name());
            }
            if (access.redis() != null && access.redis().caCertRef() != null && access.redis().caCertRef().name() != null) {
                secrets.add(access.redis().caCertRef().name());
            }
        }
        return new PolicyDependencies(groupNames, providerNames, List.copyOf(providerSelectors), secrets);
    }

    @SuppressWarnings("unchecked")
    private static <R extends io.fabric8.kubernetes.api.model.HasMetadata> ManagedInformerEventSource<R, RoutingPolicy, ?> cache(
            Context<RoutingPolicy> context, Class<R> type) {
        return (ManagedInformerEventSource<R, RoutingPolicy, ?>) context.eventSourceRetriever().getEventSourceFor(type);
    }
}
