package dev.switchboard.operator.provider;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import dev.switchboard.api.v1alpha1.Condition;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.ProviderSpec;
import dev.switchboard.api.v1alpha1.ProviderStatus;
import dev.switchboard.api.v1alpha1.SecretUse;
import dev.switchboard.compiler.Durations;
import dev.switchboard.compiler.Problem;
import dev.switchboard.compiler.ResourceRef;
import dev.switchboard.operator.common.ConditionMerger;
import dev.switchboard.operator.common.EventRecorder;
import dev.switchboard.operator.common.SecretLookup;
import dev.switchboard.operator.common.StatusPatcher;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/** Resolves a Provider's Secret into a key count and, when enabled, lists its upstream models on an interval. */
@ControllerConfiguration(name = ProviderReconciler.NAME)
public class ProviderReconciler implements Reconciler<Provider> {

    public static final String NAME = "provider";
    static final String DEFAULT_INTERVAL = "10m";
    /** A failed listing is retried sooner than the interval, but not in a tight loop. */
    static final Duration MIN_INTERVAL = Duration.ofSeconds(10);
    static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(1);

    private final ModelDiscovery discovery;
    private final ProviderStatusFactory statusFactory;
    private final EventRecorder events;
    private final Clock clock;
    private final StatusPatcher statusPatcher;
    private final SecretLookup secretLookup;

    public ProviderReconciler(ModelDiscovery discovery, ProviderStatusFactory statusFactory, EventRecorder events, Clock clock,
            StatusPatcher statusPatcher, SecretLookup secretLookup) {
        this.statusPatcher = statusPatcher;
        this.secretLookup = secretLookup;
        this.discovery = discovery;
        this.statusFactory = statusFactory;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public List<EventSource<?, Provider>> prepareEventSources(EventSourceContext<Provider> context) {
        var providers = context.getPrimaryCache();
        // Only Secrets that opted in are cached: not every Secret of every watched namespace (SecretLookup).
        var secrets = InformerEventSourceConfiguration.from(Secret.class, Provider.class)
                .withLabelSelector(SecretUse.SELECTOR)
                .withSecondaryToPrimaryMapper((Secret secret) -> providers.list(secret.getMetadata().getNamespace())
                        .filter(p -> secret.getMetadata().getName().equals(secretName(p.getSpec())))
                        .map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
                .build();
        return List.of(new InformerEventSource<>(secrets, context));
    }

    @Override
    public UpdateControl<Provider> reconcile(Provider provider, Context<Provider> context) {
        ProviderSpec spec = provider.getSpec();
        String namespace = provider.getMetadata().getNamespace();
        String secretName = secretName(spec);
        Secret secret = secretName == null ? null
                : secretLookup.find(secretCache(context).get(new ResourceID(secretName, namespace)), namespace, secretName);
        ProviderCredentials credentials = ProviderCredentials.resolve(ResourceRef.of(provider), spec, secret);
        List<Problem> specProblems = ProviderStatusFactory.specProblems(provider);

        boolean enabled = spec != null && spec.discovery() != null && Boolean.TRUE.equals(spec.discovery().enabled());
        Duration interval = enabled ? discoveryInterval(spec.discovery()) : null;
        boolean usableCredentials = credentials.status() == ProviderCredentials.Status.Resolved
                || credentials.status() == ProviderCredentials.Status.NotNeeded;
        // A refused endpoint or header is never called; the key goes only to an accepted upstream.
        ModelDiscovery.Outcome outcome = enabled && specProblems.isEmpty() && usableCredentials && discoveryDue(provider, interval)
                ? discovery.list(spec, credentials.discoveryKey())
                : null;

        ProviderStatus status = statusFactory.create(provider, specProblems, credentials, enabled, outcome);
        ProviderStatus previous = provider.getStatus();
        if (!Objects.equals(status, previous)) {
            statusPatcher.replace(provider, status, context);
            recordTransitions(provider, previous, status);
        }
        UpdateControl<Provider> control = UpdateControl.noUpdate();
        if (!enabled) {
            return control;
        }
        if (outcome instanceof ModelDiscovery.Failed) {
            return control.rescheduleAfter(RETRY_AFTER_FAILURE.compareTo(interval) < 0 ? RETRY_AFTER_FAILURE : interval);
        }
        return control.rescheduleAfter(untilDue(status, interval));
    }

    /** The API server enforces the duration pattern; the floor keeps a tiny interval from hammering the upstream. */
    static Duration discoveryInterval(ProviderSpec.Discovery discovery) {
        Duration interval;
        try {
            interval = Duration.ofMillis(Durations.toMillis(discovery.interval() != null ? discovery.interval() : DEFAULT_INTERVAL));
        } catch (IllegalArgumentException e) {
            interval = Duration.ofMillis(Durations.toMillis(DEFAULT_INTERVAL));
        }
        return interval.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : interval;
    }

    /** Due when never listed, when the spec changed since, or when the interval has passed. */
    private boolean discoveryDue(Provider provider, Duration interval) {
        ProviderStatus old = provider.getStatus();
        if (old == null || old.lastDiscoveryTime() == null || !Objects.equals(old.observedGeneration(), provider.getMetadata().getGeneration())) {
            return true;
        }
        return !Instant.parse(old.lastDiscoveryTime()).plus(interval).isAfter(Instant.now(clock));
    }

    private Duration untilDue(ProviderStatus status, Duration interval) {
        if (status.lastDiscoveryTime() == null) {
            return interval;
        }
        Duration left = Duration.between(Instant.now(clock), Instant.parse(status.lastDiscoveryTime()).plus(interval));
        return left.isNegative() || left.isZero() ? Duration.ofSeconds(1) : left;
    }

    private void recordTransitions(Provider provider, ProviderStatus before, ProviderStatus after) {
        List<Condition> old = before == null ? null : before.conditions();
        for (String type : Set.of(ProviderStatusFactory.ACCEPTED, ProviderStatusFactory.CREDENTIALS_RESOLVED, ProviderStatusFactory.REACHABLE)) {
            Condition condition = ConditionMerger.find(after.conditions(), type);
            if (ConditionMerger.transitioned(old, after.conditions(), type) && Condition.FALSE.equals(condition.status())) {
                events.warning(provider, condition.reason(), condition.message());
            }
        }
    }

    static String secretName(ProviderSpec spec) {
        return spec == null || spec.credentials() == null || spec.credentials().secretRef() == null ? null
                : spec.credentials().secretRef().name();
    }

    @SuppressWarnings("unchecked")
    private static InformerEventSource<Secret, Provider> secretCache(Context<Provider> context) {
        return (InformerEventSource<Secret, Provider>) context.eventSourceRetriever().getEventSourceFor(Secret.class);
    }
}
