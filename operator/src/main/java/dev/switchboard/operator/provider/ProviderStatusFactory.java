package dev.switchboard.operator.provider;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.api.v1alpha1.Condition;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.ProviderStatus;
import dev.switchboard.api.v1alpha1.SecretUse;
import dev.switchboard.compiler.Problem;
import dev.switchboard.compiler.ProblemReason;
import dev.switchboard.compiler.RoutingCompiler;
import dev.switchboard.compiler.SecretIndex;
import dev.switchboard.operator.common.ConditionFactory;
import dev.switchboard.operator.common.ConditionMerger;

/** Computes a Provider's status: Accepted, CredentialsResolved, Reachable (only with discovery) and Ready. */
@ApplicationScoped
public class ProviderStatusFactory {

    public static final String ACCEPTED = "Accepted";
    public static final String CREDENTIALS_RESOLVED = "CredentialsResolved";
    public static final String REACHABLE = "Reachable";
    public static final String READY = "Ready";

    private final Clock clock;

    public ProviderStatusFactory(Clock clock) {
        this.clock = clock;
    }

    /** Problems in the Provider's own fields, as opposed to its Secret (CredentialsResolved speaks about that). */
    private static final Set<ProblemReason> SPEC_REASONS = Set.of(ProblemReason.InvalidValue, ProblemReason.UnsupportedCombination);

    /**
     * The spec problems the shared compiler finds in the Provider alone: a refused endpoint or header, a malformed
     * duration. Empty when the Provider is accepted.
     */
    static List<Problem> specProblems(Provider provider) {
        // Stands in for the real Secret: whether it resolves is CredentialsResolved's business.
        var secretRef = provider.getSpec() == null || provider.getSpec().credentials() == null ? null : provider.getSpec().credentials().secretRef();
        SecretIndex secrets = secretRef == null ? SecretIndex.empty()
                : SecretIndex.of(Map.of(secretRef.name(), secretRef.keys() == null || secretRef.keys().isEmpty() ? Set.of("key") : Set.copyOf(secretRef.keys())));
        return RoutingCompiler.checkProvider(provider, secrets).stream()
                .filter(p -> p.severity() == Problem.Severity.Error && SPEC_REASONS.contains(p.reason()))
                .toList();
    }

    /**
     * @param discovery the outcome of a listing done in this reconcile, or null when none was due
     *                  (then the previous models and Reachable condition stand)
     */
    public ProviderStatus create(Provider provider, List<Problem> specProblems, ProviderCredentials credentials, boolean discoveryEnabled,
            ModelDiscovery.Outcome discovery) {
        var conditions = new ConditionFactory(clock, provider);
        ProviderStatus old = provider.getStatus();
        List<Condition> fresh = new ArrayList<>();
        Condition accepted = specProblems.isEmpty()
                ? conditions.of(ACCEPTED, true, ACCEPTED, "the provider's settings are valid")
                : conditions.of(ACCEPTED, false, specProblems.get(0).reason().name(),
                        specProblems.stream().map(p -> p.field() + ": " + p.message()).collect(Collectors.joining("; ")));
        fresh.add(accepted);
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
        boolean ready = Condition.TRUE.equals(accepted.status()) && Condition.TRUE.equals(credentialsCondition.status())
                && (reachable == null || !Condition.FALSE.equals(reachable.status()));
        if (ready) {
            fresh.add(conditions.of(READY, true, READY, "provider is usable"));
        } else if (!Condition.TRUE.equals(accepted.status())) {
            fresh.add(conditions.of(READY, false, accepted.reason(), accepted.message()));
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
        String secret = "Secret " + credentials.secretName();
        return switch (credentials.status()) {
            case NotNeeded -> conditions.of(CREDENTIALS_RESOLVED, true, "NoCredentialsNeeded", "the provider declares no credentials");
            case Resolved -> conditions.of(CREDENTIALS_RESOLVED, true, "Resolved", secret + " provides " + credentials.keys().size() + " keys"
                    + (credentials.problemKeys().isEmpty() ? "" : "; left out, a line break (CR or LF) inside the value: "
                            + String.join(", ", credentials.problemKeys())));
            case SecretNotFound -> conditions.of(CREDENTIALS_RESOLVED, false, "SecretNotFound", secret + " does not exist");
            case NotOptedIn -> conditions.of(CREDENTIALS_RESOLVED, false, "SecretNotOptedIn", secret + " is not labelled " + SecretUse.SELECTOR
                    + ": Switchboard uses only Secrets that opt in (kubectl label secret " + credentials.secretName() + " " + SecretUse.SELECTOR + ")");
            case NotAllowed -> conditions.of(CREDENTIALS_RESOLVED, false, "SecretNotAllowed", secret + " may be used only by "
                    + credentials.usableBy() + " (annotation " + SecretUse.USABLE_BY + ")");
            case MissingKeys -> conditions.of(CREDENTIALS_RESOLVED, false, "MissingSecretKey",
                    secret + " has no key " + String.join(", ", credentials.problemKeys()));
            case NoKeys -> conditions.of(CREDENTIALS_RESOLVED, false, "NoKeys", secret + " holds no keys");
            case InvalidValues -> conditions.of(CREDENTIALS_RESOLVED, false, "InvalidSecretValue", secret
                    + ": every selected key holds a line break (CR or LF) inside its value, which cannot be sent in an HTTP header: "
                    + String.join(", ", credentials.problemKeys()));
        };
    }
}
