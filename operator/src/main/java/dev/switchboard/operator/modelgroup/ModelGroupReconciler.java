package dev.switchboard.operator.modelgroup;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import dev.switchboard.api.v1alpha1.Condition;
import dev.switchboard.api.v1alpha1.LabelSelector;
import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.ModelGroupSpec;
import dev.switchboard.api.v1alpha1.ModelGroupStatus;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.operator.common.ConditionMerger;
import dev.switchboard.operator.common.EventRecorder;
import dev.switchboard.operator.common.StatusPatcher;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/** Resolves a ModelGroup's provider references and aggregate selector into status. */
@ControllerConfiguration(name = ModelGroupReconciler.NAME)
public class ModelGroupReconciler implements Reconciler<ModelGroup> {

    public static final String NAME = "modelgroup";

    private final ModelGroupResolver resolver;
    private final EventRecorder events;
    private final StatusPatcher statusPatcher;

    public ModelGroupReconciler(ModelGroupResolver resolver, EventRecorder events, StatusPatcher statusPatcher) {
        this.statusPatcher = statusPatcher;
        this.resolver = resolver;
        this.events = events;
    }

    @Override
    public List<EventSource<?, ModelGroup>> prepareEventSources(EventSourceContext<ModelGroup> context) {
        var groups = context.getPrimaryCache();
        var providers = InformerEventSourceConfiguration.from(Provider.class, ModelGroup.class)
                .withSecondaryToPrimaryMapper((Provider provider) -> groups.list(provider.getMetadata().getNamespace())
                        .filter(group -> refersTo(group, provider))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
                .build();
        return List.of(new InformerEventSource<>(providers, context));
    }

    /** By name, by the aggregate selector now, or by having resolved to it before (it may have lost the label). */
    static boolean refersTo(ModelGroup group, Provider provider) {
        String name = provider.getMetadata().getName();
        ModelGroupSpec spec = group.getSpec();
        if (spec != null && spec.targets() != null && spec.targets().stream().anyMatch(t -> name.equals(t.provider()))) {
            return true;
        }
        if (spec != null && spec.aggregate() != null
                && LabelSelector.matches(spec.aggregate().providerSelector(), provider.getMetadata().getLabels())) {
            return true;
        }
        ModelGroupStatus status = group.getStatus();
        return status != null && status.targets() != null && status.targets().stream().anyMatch(t -> t.startsWith(name + "/"));
    }

    @Override
    public UpdateControl<ModelGroup> reconcile(ModelGroup group, Context<ModelGroup> context) {
        List<Provider> providers = providerCache(context).list(group.getMetadata().getNamespace(), p -> true).toList();
        ModelGroupStatus status = resolver.status(group, providers);
        if (Objects.equals(status, group.getStatus())) {
            return UpdateControl.noUpdate();
        }
        // Transitions are judged against the old status before the patch replaces it on the resource.
        List<Condition> old = group.getStatus() == null ? null : group.getStatus().conditions();
        if (ConditionMerger.transitioned(old, status.conditions(), ModelGroupResolver.RESOLVED_REFS)) {
            Condition resolved = ConditionMerger.find(status.conditions(), ModelGroupResolver.RESOLVED_REFS);
            if (Condition.FALSE.equals(resolved.status())) {
                events.warning(group, resolved.reason(), resolved.message());
            }
        }
        statusPatcher.replace(group, status, context);
        return UpdateControl.noUpdate();
    }

    @SuppressWarnings("unchecked")
    private static InformerEventSource<Provider, ModelGroup> providerCache(Context<ModelGroup> context) {
        return (InformerEventSource<Provider, ModelGroup>) context.eventSourceRetriever().getEventSourceFor(Provider.class);
    }
}
