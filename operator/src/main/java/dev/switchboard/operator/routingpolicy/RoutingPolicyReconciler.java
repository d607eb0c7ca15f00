package dev.switchboard.operator.routingpolicy;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import dev.switchboard.api.v1alpha1.Condition;
import dev.switchboard.api.v1alpha1.LabelSelector;
import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.api.v1alpha1.RoutingPolicyStatus;
import dev.switchboard.api.v1alpha1.SecretUse;
import dev.switchboard.compiler.ClusterIssuer;
import dev.switchboard.compiler.Compilation;
import dev.switchboard.operator.common.ConditionMerger;
import dev.switchboard.operator.common.EventRecorder;
import dev.switchboard.operator.common.OperatorConfig;
import dev.switchboard.operator.common.StatusPatcher;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.IndexerResourceCache;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.polling.PollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PollingEventSource;

/**
 * Turns a RoutingPolicy into its routing ConfigMap and gateway (Deployment, Service, ServiceAccount, NetworkPolicy,
 * and HPA/PDB when they apply), then reports status. The dependents run first (managed workflow); this method
 * only computes status and writes it (see {@link StatusPatcher}) when it changed.
 */
@ControllerConfiguration(name = RoutingPolicyReconciler.NAME)
@Workflow(dependents = {
        @Dependent(name = "routing-configmap", type = RoutingConfigMapDependent.class),
        @Dependent(name = "service-account", type = GatewayServiceAccountDependent.class),
        @Dependent(name = "deployment", type = GatewayDeploymentDependent.class, dependsOn = { "routing-configmap", "service-account" }),
        @Dependent(name = "service", type = GatewayServiceDependent.class),
        @Dependent(name = "network-policy", type = GatewayNetworkPolicyDependent.class),
        @Dependent(name = "autoscaler", type = GatewayAutoscalerDependent.class, dependsOn = "deployment",
                reconcilePrecondition = AutoscalingEnabled.class),
        @Dependent(name = "disruption-budget", type = GatewayDisruptionBudgetDependent.class,
                reconcilePrecondition = RunsMultipleReplicas.class)
})
public class RoutingPolicyReconciler implements Reconciler<RoutingPolicy> {

    public static final String NAME = "routingpolicy";

    private final PolicyCompilations compilations;
    private final DependencyIndex index;
    private final GatewayConfigProbe probe;
    private final RoutingPolicyStatusFactory statusFactory;
    private final EventRecorder events;
    private final OperatorConfig config;
    private final StatusPatcher statusPatcher;
    private final ClusterIssuerKeys issuerKeys;

    public RoutingPolicyReconciler(PolicyCompilations compilations, DependencyIndex index, GatewayConfigProbe probe,
            RoutingPolicyStatusFactory statusFactory, EventRecorder events, OperatorConfig config, StatusPatcher statusPatcher,
            ClusterIssuerKeys issuerKeys) {
        this.statusPatcher = statusPatcher;
        this.issuerKeys = issuerKeys;
        this.compilations = compilations;
        this.index = index;
        this.probe = probe;
        this.statusFactory = statusFactory;
        this.events = events;
        this.config = config;
    }

    @Override
    public List<EventSource<?, RoutingPolicy>> prepareEventSources(EventSourceContext<RoutingPolicy> context) {
        IndexerResourceCache<RoutingPolicy> policies = context.getPrimaryCache();
        var modelGroups = InformerEventSourceConfiguration.from(ModelGroup.class, RoutingPolicy.class)
                .withSecondaryToPrimaryMapper((ModelGroup group) -> existing(policies, affectedBy(policies, group)))
                .build();
        var providers = InformerEventSourceConfiguration.from(Provider.class, RoutingPolicy.class)
                .withSecondaryToPrimaryMapper((Provider provider) -> existing(policies, index.policiesIn(
                        provider.getMetadata().getNamespace(),
                        d -> d.usesProvider(provider.getMetadata().getName(), provider.getMetadata().getLabels()))))
                .build();
        // Only Secrets that opted in are cached: not every Secret of every watched namespace (SecretLookup).
        var secrets = InformerEventSourceConfiguration.from(Secret.class, RoutingPolicy.class)
                .withLabelSelector(SecretUse.SELECTOR)
                .withSecondaryToPrimaryMapper((Secret secret) -> existing(policies, index.policiesIn(
                        secret.getMetadata().getNamespace(), d -> d.secrets().contains(secret.getMetadata().getName()))))
                .build();
        // The cluster's ServiceAccount issuer has no watch: it is read every clusterKeysRefresh, and only while a policy
        // trusts it; a changed issuer or key set reconciles exactly those policies.
        var clusterIssuer = new PollingConfigurationBuilder<ClusterIssuer>(() -> {
            Set<ResourceID> trusting = new HashSet<>();
            policies.list(p -> ClusterIssuerKeys.usesClusterIssuer(p)).forEach(p -> trusting.add(ResourceID.fromResource(p)));
            if (trusting.isEmpty()) {
                return Map.of();
            }
            Set<ClusterIssuer> read = Set.of(issuerKeys.refresh());
            Map<ResourceID, Set<ClusterIssuer>> byPolicy = new HashMap<>();
            trusting.forEach(id -> byPolicy.put(id, read));
            return byPolicy;
        }, config.identity().clusterKeysRefresh()).withName("cluster-issuer").withCacheKeyMapper(issuer -> "cluster").build();
        return List.of(new InformerEventSource<>(modelGroups, context), new InformerEventSource<>(providers, context),
                new InformerEventSource<>(secrets, context), new PollingEventSource<>(ClusterIssuer.class, clusterIssuer));
    }

    /** Policies selecting the group now, plus those whose last compilation included it (it may have lost the label). */
    private Set<ResourceID> affectedBy(IndexerResourceCache<RoutingPolicy> policies, ModelGroup group) {
        String namespace = group.getMetadata().getNamespace();
        Set<ResourceID> affected = new HashSet<>(index.policiesIn(namespace, d -> d.modelGroups().contains(group.getMetadata().getName())));
        policies.list(namespace)
                .filter(p -> LabelSelector.matches(p.getSpec() == null ? null : p.getSpec().modelGroupSelector(), group.getMetadata().getLabels()))
                .forEach(p -> affected.add(ResourceID.fromResource(p)));
        return affected;
    }

    /** Drops (and forgets) deleted policies: the index outlives them because no finalizer tells us about deletion. */
    private Set<ResourceID> existing(IndexerResourceCache<RoutingPolicy> policies, Set<ResourceID> ids) {
        Set<ResourceID> existing = new HashSet<>();
        for (ResourceID id : ids) {
            if (policies.get(id).isPresent()) {
                existing.add(id);
            } else {
                index.forget(id);
            }
        }
        return existing;
    }

    @Override
    public UpdateControl<RoutingPolicy> reconcile(RoutingPolicy policy, Context<RoutingPolicy> context) {
        Compilation compilation = compilations.of(policy, context);
        Deployment deployment = context.getSecondaryResource(Deployment.class).orElse(null);
        GatewayConfigProbe.Result programmed = probe.probe(policy, compilation.hash());
        RoutingPolicyStatus status = statusFactory.create(policy, compilation, deployment, programmed);

        RoutingPolicyStatus previous = policy.getStatus();
        if (!Objects.equals(status, previous)) {
            statusPatcher.replace(policy, status, context);
            recordTransitions(policy, previous, status);
        }
        UpdateControl<RoutingPolicy> control = UpdateControl.noUpdate();
        // Kubelet projects ConfigMap changes with a delay and pods report nothing by themselves: poll until programmed.
        return programmed.allProgrammed() ? control : control.rescheduleAfter(config.gateway().programmedRecheck());
    }

    private void recordTransitions(HasMetadata policy, RoutingPolicyStatus before, RoutingPolicyStatus after) {
        List<Condition> old = before == null ? null : before.conditions();
        List<Condition> now = after.conditions();
        Condition programmed = ConditionMerger.find(now, RoutingPolicyStatusFactory.PROGRAMMED);
        if (ConditionMerger.transitioned(old, now, RoutingPolicyStatusFactory.PROGRAMMED) && Condition.TRUE.equals(programmed.status())) {
            events.normal(policy, "Programmed", programmed.message());
        }
        for (String type : List.of(RoutingPolicyStatusFactory.ACCEPTED, RoutingPolicyStatusFactory.RESOLVED_REFS)) {
            Condition condition = ConditionMerger.find(now, type);
            if (ConditionMerger.transitioned(old, now, type) && Condition.FALSE.equals(condition.status())) {
                events.warning(policy, condition.reason(), condition.message());
            }
        }
    }

    @Override
    public ErrorStatusUpdateControl<RoutingPolicy> updateErrorStatus(RoutingPolicy policy, Context<RoutingPolicy> context, Exception e) {
        RoutingPolicyStatus previous = policy.getStatus();
        RoutingPolicyStatus status = statusFactory.failed(policy, e);
        if (!Objects.equals(status, previous)) {
            statusPatcher.replace(policy, status, context);
        }
        return ErrorStatusUpdateControl.noStatusUpdate();
    }
}
