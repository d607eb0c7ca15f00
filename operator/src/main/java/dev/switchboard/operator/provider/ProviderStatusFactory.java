package dev.switchboard.operator.provider;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.api.v1alpha1.Condition;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.ProviderStatus;
import dev.switchboard.operator.common.ConditionFactory;
import dev.switchboard.operator.common.ConditionMerger;

/** Computes a Provider's status: CredentialsResolved, Reachable (only with discovery) and Ready. */
@ApplicationScoped
public class ProviderStatusFactory {

    public static final String CREDENTIALS_RESOLVED = "CredentialsResolved";
    public static final String REACHABLE = "Reachable";
    public static final String READY = "Ready";

    private final Clock clock;

    public ProviderStatusFactory(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param discovery the outcome of a listing done in this reconcile, or null when none was due
     *                  (then the previous models and Reachable condition stand)
     */
    public ProviderStatus create(Provider provider, ProviderCredentials credentials, boolean discoveryEnabled,
            ModelDiscovery.Outcome discovery) {
        var conditions = new ConditionFactory(clock, provider);
        ProviderStatus old = provider.getStatus();
        List<Condition> fresh = new ArrayList<>();
        Condition credentialsCondition = credentials(conditions, credentials);
        fresh.add(credentialsCondition);

        List<String> models = old == null ? null : old.models();
        String lastDiscovery = old == null ? null : old.lastDiscoveryTime();
        Condition reachable = null;
        if (discoveryEnabled) {
            if (discovery instanceof ModelDiscovery.Listed listed) {
                models = listed.models();
                lastDiscovery = conditions.now();
                reachable = conditions.of(REACHABLE, true, "ModelsListed", "listed " + listed.models().size() + " models");
            } else if (discovery instanceof ModelDiscovery.Failed failed) {
                reachable = conditions.of(REACHABLE, false, failed.reason(), failed.message());
            } else if (discovery instanceof ModelDiscovery.Unsupported unsupported) {
                reachable = conditions.unknown(REACHABLE, "DiscoveryUnsupported", unsupported.message());
            } else {
                reachable = ConditionMerger.find(old == null ? null : old.conditions(), REACHABLE);
            }
        } else {
            models = null;
            lastDiscovery = null;
        }
        if (reachable != null) {
            fresh.add(reachable);
        }
        boolean ready = Condition.TRUE.equals(credentialsCondition.status()) && (reachable == null || !Condition.FALSE.equals(reachable.status()));
        if (ready) {
            fresh.add(conditions.of(READY, true, READY, "provider is usable"));
        } else if (!Condition.TRUE.equals(credentialsCondition.status())) {
            fresh.add(conditions.of(READY, false, credentialsCondition.reason(), credentialsCondition.message()));
        } else {
            fresh.add(conditions.of(READY, false, reachable.reason(), reachable.message()));
        }
        List<Condition> merged = ConditionMerger.merge(old == null ? null : old.conditions(), fresh);
        return new ProviderStatus(provider.getMetadata().getGeneration(), merged, models, models == null ? null : models.size(),
                credentials.keys().size(), lastDiscovery);
    }

    private static Condition credentials(ConditionFactory conditions, ProviderCredentials credentials) {
        return switch (credentials.status()) {
            case NotNeeded -> conditions.of(CREDENTIALS_RESOLVED, true, "NoCredentialsNeeded", "the provider declares no credentials");
            case Resolved -> conditions.of(CREDENTIALS_RESOLVED, true, "Resolved",
                    "Secret " + credentials.secretName() + " provides " + credentials.keys().size() + " keys");
            case SecretNotFound -> conditions.of(CREDENTIALS_RESOLVED, false, "SecretNotFound",
                    "Secret " + credentials.secretName() + " does not exist");
            case MissingKeys -> conditions.of(CREDENTIALS_RESOLVED, false, "MissingSecretKey",
                    "Secret " + credentials.secretName() + " has no key " + String.join(", ", credentials.missingKeys()));
            case NoKeys -> conditions.of(CREDENTIALS_RESOLVED, false, "NoKeys", "Secret " + credentials.secretName() + " holds no keys");
        };
    }
}
