package dev.switchboard.operator.modelgroup;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.api.v1alpha1.Condition;
import dev.switchboard.api.v1alpha1.ModelGroup;
import dev.switchboard.api.v1alpha1.ModelGroupStatus;
import dev.switchboard.api.v1alpha1.Provider;
import dev.switchboard.api.v1alpha1.RoutingPolicy;
import dev.switchboard.compiler.Compilation;
import dev.switchboard.compiler.CompilerInput;
import dev.switchboard.compiler.Problem;
import dev.switchboard.compiler.ProblemReason;
import dev.switchboard.compiler.ResourceRef;
import dev.switchboard.compiler.RoutingCompiler;
import dev.switchboard.compiler.SecretIndex;
import dev.switchboard.operator.common.ConditionFactory;
import dev.switchboard.operator.common.ConditionMerger;
import dev.switchboard.operator.provider.ProviderStatusFactory;
import dev.switchboard.routing.ModelRoute;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/**
 * Resolves one ModelGroup with the shared compiler, so the group's status and the routing table can never
 * disagree about what a target means. The group is compiled alone under a stand-in policy; problems that
 * only exist relative to a real policy (fallbacks, name clashes with other groups) are left to the
 * RoutingPolicy's status.
 */
@ApplicationScoped
public class ModelGroupResolver {

    public static final String RESOLVED_REFS = "ResolvedRefs";
    public static final String READY = "Ready";
    /** Stands in for any real key name: only whether a provider's credentials resolve matters here. */
    static final String ANY_KEY = "key";

    private static final Set<ProblemReason> POLICY_RELATIVE = Set.of(ProblemReason.UnknownFallback, ProblemReason.FallbackCycle,
            ProblemReason.DuplicateModelName, ProblemReason.DuplicateAlias, ProblemReason.AmbiguousModelPattern);

    private final Clock clock;

    public ModelGroupResolver(Clock clock) {
        this.clock = clock;
    }

    public ModelGroupStatus status(ModelGroup group, List<Provider> providers) {
        RoutingPolicy standIn = new RoutingPolicy();
        standIn.setMetadata(new ObjectMetaBuilder().withName("modelgroup-status").withNamespace(group.getMetadata().getNamespace()).build());
        Compilation compilation = RoutingCompiler.compile(new CompilerInput(standIn, providers, List.of(group), credentialsFromStatus(providers), null));
        List<Problem> problems = compilation.problemsOf(ResourceRef.of(group)).stream()
                .filter(p -> !POLICY_RELATIVE.contains(p.reason()))
                .toList();
        // The group's own route, by its name or pattern (a pattern route is listed under its glob).
        String served = group.getSpec() == null ? null : group.getSpec().model() != null ? group.getSpec().model() : group.getSpec().modelPattern();
        ModelRoute route = compilation.table().models().stream().filter(r -> r.name().equals(served)).findFirst().orElse(null);
        List<String> targets = route == null ? List.of()
                : route.targets().stream().map(t -> t.provider() + "/" + t.model()).toList();

        var conditions = new ConditionFactory(clock, group);
        Condition resolved = problems.isEmpty()
                ? conditions.of(RESOLVED_REFS, true, RESOLVED_REFS, targets.size() + " targets resolved")
                : conditions.of(RESOLVED_REFS, false, firstReason(problems), problems.stream()
                        .map(p -> p.field() + ": " + p.message()).collect(Collectors.joining("; ")));
        Condition ready = !targets.isEmpty()
                ? conditions.of(READY, true, READY, "served by " + String.join(", ", targets))
                : conditions.of(READY, false, problems.isEmpty() ? ProblemReason.NoUsableTargets.name() : firstReason(problems),
                        "no usable target");
        List<Condition> old = group.getStatus() == null ? null : group.getStatus().conditions();
        return new ModelGroupStatus(group.getMetadata().getGeneration(), ConditionMerger.merge(old, List.of(resolved, ready)),
                targets.size(), targets);
    }

    /**
     * The Provider reconciler is the authority on credentials: a provider counts as having its Secret unless
     * its CredentialsResolved condition says False. Its status changes re-reconcile the groups that use it.
     */
    static SecretIndex credentialsFromStatus(List<Provider> providers) {
        Map<String, Set<String>> keys = new HashMap<>();
        for (Provider provider : providers) {
            var credentials = provider.getSpec() == null ? null : provider.getSpec().credentials();
            if (credentials == null || credentials.secretRef() == null) {
                continue;
            }
            Condition resolved = ConditionMerger.find(provider.getStatus() == null ? null : provider.getStatus().conditions(),
                    ProviderStatusFactory.CREDENTIALS_RESOLVED);
            if (resolved != null && Condition.FALSE.equals(resolved.status())) {
                continue;
            }
            List<String> declared = credentials.secretRef().keys();
            keys.computeIfAbsent(credentials.secretRef().name(), k -> new TreeSet<>())
                    .addAll(declared == null || declared.isEmpty() ? Set.of(ANY_KEY) : declared);
        }
        return SecretIndex.of(keys);
    }

    private static String firstReason(List<Problem> problems) {
        return problems.stream().filter(p -> p.severity() == Problem.Severity.Error).findFirst().orElse(problems.get(0)).reason().name();
    }
}
